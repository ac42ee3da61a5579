package dev.distcache.distribute.distcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.distribute.lzo.Lzo1x;
import dev.distcache.distribute.programs.Hello;
import dev.distcache.testing.Run;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real distcc client (Debian's distcc 3.4) sends a job to a listener of ours on 127.0.0.2: our
 * reader must parse it, and the reply our writer sends must be one distcc accepts and acts on. This
 * is the daemon's side of the protocol without the daemon.
 */
class DistccClientCaptureTest {
  private static final byte[] NOTE =
      "note: answered by the test listener\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OUT =
      "stdout from the test listener\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void protocol1_requestParses_andOurReplyBecomesTheObject() throws Exception {
    roundTrip("", ProtocolVersion.V1);
  }

  @Test
  void protocol2_lzoRequestParses_andOurLzoReplyBecomesTheObject() throws Exception {
    roundTrip(",lzo", ProtocolVersion.V2);
  }

  @Test
  void failedCompileReply_makesDistccFailWithOurStderr() throws Exception {
    Hello.write(dir);
    byte[] error =
        "broken.c:1:25: error: from the test listener\n".getBytes(StandardCharsets.UTF_8);
    Capture capture =
        capture(
            ",lzo",
            List.of("-c", "-O2", "broken.c", "-o", "broken.o"),
            Map.of(),
            request ->
                new DistccReply(
                    request.version(), 1 << 8, error, new byte[0], new byte[0], new byte[0]));
    assertEquals(1, capture.distcc().exitCode(), capture.distcc().err());
    assertTrue(
        capture.distcc().err().contains("error: from the test listener"), capture.distcc().err());
    assertFalse(Files.exists(dir.resolve("broken.o")));
  }

  /**
   * Pump mode. Debian's include server fails on Python 3.11 (distcc issue #454) and distcc then
   * falls back to protocol 2, so the test uses distcc's own stub instead: INCLUDE_SERVER_STUB lists
   * the include server's LZO-compressed copies, in a mirror tree three levels deep.
   */
  @Test
  void protocol3_pumpRequestParses_andOurReplyWritesObjectAndDependencies() throws Exception {
    Hello.write(dir);
    byte[] source = Files.readAllBytes(dir.resolve("hello.c"));
    Path top = Files.createTempDirectory(Path.of("/tmp"), "distcc-mirror");
    try {
      Path mirror = top.resolve("m");
      Path copy = Path.of(mirror + dir.resolve("hello.c").toString() + ".lzo");
      Files.createDirectories(copy.getParent());
      Files.write(copy, Lzo1x.compress(source));
      byte[] deps = "hello.o: hello.c\n".getBytes(StandardCharsets.UTF_8);
      List<String> flags = new ArrayList<>(Hello.USER_FLAGS);
      flags.addAll(List.of("hello.c", "-o", "hello.o", "-MD"));
      Capture capture =
          capture(
              ",cpp,lzo",
              flags,
              Map.of("INCLUDE_SERVER_STUB", copy.toString()),
              request -> {
                byte[] object =
                    compile(
                        request.argv(),
                        ((DistccRequest.Pump) request).files().getFirst()
                                instanceof PumpFile.Regular r
                            ? r.content()
                            : null,
                        ".c");
                return new DistccReply(ProtocolVersion.V3, 0, NOTE, OUT, object, deps);
              });
      DistccRequest.Pump pump = assertInstanceOf(DistccRequest.Pump.class, capture.request());
      assertEquals(dir.toString(), pump.cwd());
      List<String> argv = new ArrayList<>(List.of(Hello.compilerName(dir)));
      argv.addAll(flags);
      argv.addAll(List.of("-MT", "hello.o")); // distcc names the dependency target for the server
      assertEquals(argv, pump.argv(), "in pump mode -D and -I stay: the server preprocesses");
      assertEquals(
          List.of(new PumpFile.Regular(dir.resolve("hello.c").toString(), source)), pump.files());
      assertEquals(0, capture.distcc().exitCode(), capture.distcc().err());
      assertArrayEquals(
          Hello.compileLocally(dir, "hello.c", "local.o"),
          Files.readAllBytes(dir.resolve("hello.o")));
      assertArrayEquals(
          deps, Files.readAllBytes(dir.resolve("hello.d")), "distcc writes DOTD as the -MD file");
    } finally {
      Hello.run(dir, Map.of(), List.of("rm", "-rf", top.toString())).ok("rm");
    }
  }

  private void roundTrip(String options, ProtocolVersion version) throws Exception {
    Hello.write(dir);
    List<String> flags = new ArrayList<>(Hello.USER_FLAGS);
    flags.addAll(List.of("hello.c", "-o", "hello.o"));
    Capture capture =
        capture(
            options,
            flags,
            Map.of(),
            request ->
                new DistccReply(
                    request.version(),
                    0,
                    NOTE,
                    OUT,
                    compile(request.argv(), ((DistccRequest.Preprocessed) request).source(), ".i"),
                    new byte[0]));

    DistccRequest.Preprocessed request =
        assertInstanceOf(DistccRequest.Preprocessed.class, capture.request());
    assertEquals(version, request.version());
    assertEquals(Hello.distccArgv(dir, "hello.c", "hello.o"), request.argv());
    assertArrayEquals(
        Hello.preprocess(dir, "hello.c"), request.source(), "DOTI is exactly what gcc -E gives");

    assertEquals(0, capture.distcc().exitCode(), capture.distcc().err());
    assertArrayEquals(
        Hello.compileLocally(dir, "hello.c", "local.o"),
        Files.readAllBytes(dir.resolve("hello.o")));
    assertTrue(
        capture.distcc().err().contains(new String(NOTE, StandardCharsets.UTF_8)),
        capture.distcc().err());
    assertArrayEquals(OUT, capture.distcc().stdout());
  }

  private record Capture(DistccRequest request, Run distcc) {}

  /** Runs {@code distcc gcc FLAGS} against a one-job listener that answers with {@code answer}. */
  private Capture capture(
      String options,
      List<String> flags,
      Map<String, String> extraEnv,
      Function<DistccRequest, DistccReply> answer)
      throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
      CompletableFuture<DistccRequest> received =
          CompletableFuture.supplyAsync(() -> {
            try (Socket s = listener.accept()) {
              s.setSoTimeout(30_000);
              DistccRequest request =
                  RequestCodec.read(
                      new PacketReader(
                          new BufferedInputStream(s.getInputStream()), DistccLimits.DEFAULTS));
              PacketWriter out = new PacketWriter(new BufferedOutputStream(s.getOutputStream()));
              ReplyCodec.write(out, answer.apply(request));
              out.flush();
              return request;
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      Map<String, String> env = new HashMap<>(extraEnv);
      env.put("DISTCC_HOSTS", "127.0.0.2:" + listener.getLocalPort() + options);
      env.put("DISTCC_DIR", Files.createDirectories(dir.resolve("distcc-dir")).toString());
      env.put("DISTCC_IO_TIMEOUT", "30");
      env.put(
          "DISTCC_FALLBACK", "0"); // a reply distcc rejects must fail the run, not compile locally
      env.put("DISTCC_SKIP_LOCAL_RETRY", "1");
      List<String> command = new ArrayList<>(List.of("distcc", "gcc"));
      command.addAll(flags);
      Run run = Hello.run(dir, env, command);
      return new Capture(received.get(30, TimeUnit.SECONDS), run);
    }
  }

  /**
   * What distccd does with a job: the compiler on the received input, into a fresh object. A
   * pump-mode source keeps its name (it ends up in the object), as under distccd's temporary root.
   */
  private byte[] compile(List<String> argv, byte[] input, String extension) {
    try {
      Path work = Files.createTempDirectory(dir, "job");
      Path out = work.resolve("output.o");
      List<String> command = new ArrayList<>();
      for (int i = 0; i < argv.size(); i++) {
        String a = argv.get(i);
        if (a.equals("-o")) {
          command.addAll(List.of("-o", out.toString()));
          i++;
        } else if (a.equals("-MD")) {
          continue; // distccd adds its own -MMD -MF and cleans the result; the test sends a fixed
          // DOTD
        } else if (a.equals("-MT")) {
          i++;
        } else if (a.endsWith(".c")) {
          Path in = work.resolve(extension.equals(".c") ? a : "input" + extension);
          Files.write(in, input);
          command.add(in.toString());
        } else {
          command.add(a);
        }
      }
      Hello.run(work, Map.of(), command).ok("compile " + command);
      return Files.readAllBytes(out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
