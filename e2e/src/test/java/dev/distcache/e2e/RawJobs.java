package dev.distcache.e2e;

import dev.distcache.distribute.distcc.DistccLimits;
import dev.distcache.distribute.distcc.DistccReply;
import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.PacketReader;
import dev.distcache.distribute.distcc.PacketWriter;
import dev.distcache.distribute.distcc.ProtocolVersion;
import dev.distcache.distribute.distcc.PumpFile;
import dev.distcache.distribute.distcc.ReplyCodec;
import dev.distcache.distribute.distcc.RequestCodec;
import dev.distcache.testing.Processes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * distcc requests written with the distribute module's codec, for tests that talk to a daemon
 * directly.
 */
final class RawJobs {
  private RawJobs() {}

  /** gcc's name as distcc sends it ({@code x86_64-linux-gnu-gcc}). */
  static String gccName() {
    return Processes.run(
                Path.of("/"), Map.of("PATH", System.getenv("PATH")), List.of("gcc", "-dumpmachine"))
            .ok()
            .out()
            .strip()
        + "-gcc";
  }

  /** What distcc sends for {@code gcc -c -O2 -DX -Iinc hello.c -o hello.o} in {@code src}. */
  static DistccRequest hello(Path src, ProtocolVersion version, String... extra) {
    byte[] doti =
        Processes.run(
                src,
                Map.of("PATH", System.getenv("PATH")),
                List.of("gcc", "-E", "-O2", "-DX", "-Iinc", "hello.c"))
            .ok()
            .stdout();
    List<String> argv = new ArrayList<>(List.of(gccName(), "-c", "-O2"));
    argv.addAll(List.of(extra));
    argv.addAll(List.of("hello.c", "-o", "hello.o"));
    return new DistccRequest.Preprocessed(version, argv, doti);
  }

  /** A pump-mode request for hello.c and greet.h in the client directory {@code cwd}. */
  static DistccRequest.Pump pump(String cwd, List<String> flags, List<PumpFile> extraFiles) {
    List<String> argv = new ArrayList<>(List.of(gccName(), "-c", "-O2", "-DX"));
    argv.addAll(flags);
    argv.addAll(List.of("hello.c", "-o", "hello.o", "-MD", "-MT", "hello.o"));
    List<PumpFile> files =
        new ArrayList<>(
            List.of(
                new PumpFile.Regular(
                    cwd + "/hello.c", DistccSources.HELLO_C.getBytes(StandardCharsets.UTF_8)),
                new PumpFile.Regular(
                    cwd + "/greet.h", DistccSources.GREET_H.getBytes(StandardCharsets.UTF_8))));
    files.addAll(extraFiles);
    return new DistccRequest.Pump(cwd, argv, files);
  }

  static byte[] bytes(DistccRequest request) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PacketWriter w = new PacketWriter(out);
      RequestCodec.write(w, request);
      w.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static DistccReply reply(byte[] answer, ProtocolVersion version) {
    try {
      return ReplyCodec.read(
          new PacketReader(new ByteArrayInputStream(answer), DistccLimits.DEFAULTS), version);
    } catch (IOException e) {
      throw new AssertionError(
          "not a distcc answer (" + answer.length + " bytes): " + e.getMessage(), e);
    }
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
