package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.distribute.distcc.DistccLimits;
import dev.distcache.distribute.distcc.PacketReader;
import dev.distcache.distribute.distcc.PacketWriter;
import dev.distcache.distribute.nativeproto.NativeCodec;
import dev.distcache.distribute.nativeproto.NativeIdentity;
import dev.distcache.distribute.nativeproto.NativeKey;
import dev.distcache.testing.Processes;
import dev.distcache.testing.RemoteDaemon;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/distcache with {@code DISTCACHE_HOSTS='127.0.0.2:PORT,distcache'} against a real {@code
 * distcache daemon}: the native protocol's handshake, key-first jobs (a daemon-side hit uploads
 * nothing), several jobs on one connection, a refusal on another compiler identity, and malformed
 * frames that close only their own connection.
 */
class NativeProtocolTest {
  static final String MAIN_C = "#include \"config.h\"\nint scale(int x) { return x * VALUE; }\n";
  static final Pattern UPLOAD = Pattern.compile("upload:(\\d+)");

  @TempDir Path tmp;
  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  private RemoteDaemon daemon(RemoteDaemon.Builder b) throws Exception {
    RemoteDaemon d = b.start();
    closing.add(d);
    return d;
  }

  /** A local server with its own, empty cache, sending its misses to {@code d} natively. */
  private Distcache client(String name, RemoteDaemon d) {
    Distcache dc =
        new Distcache(tmp.resolve(name + "-cache"))
            .with("DISTCACHE_LOG_FILE", tmp.resolve(name + ".log").toString())
            .with("DISTCACHE_HOSTS", d.address + ":" + d.port + ",distcache");
    closing.add(dc::close);
    return dc;
  }

  private static Path project(Path dir) {
    Distcache.write(dir.resolve("main.c"), MAIN_C);
    Distcache.write(dir.resolve("inc/config.h"), "#define VALUE 14\n");
    return dir;
  }

  private static final String[] COMPILE = {
    "gcc", "-O2", "-I", "inc", "-c", "main.c", "-o", "main.o"
  };

  private static List<String> nativeSummaries(RemoteDaemon d) {
    return d.summaries().stream().filter(l -> l.contains("proto:native")).toList();
  }

  private static long uploaded(String summary) {
    Matcher m = UPLOAD.matcher(summary);
    assertTrue(m.find(), summary);
    return Long.parseLong(m.group(1));
  }

  private String log(String name) throws Exception {
    Path log = tmp.resolve(name + ".log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Test
  void secondClientWithAnEmptyCache_getsADaemonSideHit_withoutUploadingTheSource()
      throws Exception {
    RemoteDaemon d = daemon(RemoteDaemon.on("127.0.0.2", tmp).allowGccAndGxx());
    Path first = project(tmp.resolve("first"));
    Path second = project(tmp.resolve("second"));
    Path local = project(tmp.resolve("local"));

    client("one", d).run(first, COMPILE).ok();
    List<String> s = d.awaitSummaries(1);
    assertTrue(
        s.getFirst().contains("COMPILE_OK") && s.getFirst().contains("cache:miss"), s.toString());
    assertTrue(uploaded(s.getFirst()) > 0, "a miss uploads the source: " + s);
    assertTrue(log("one").contains("main.c: native compiled"), log("one"));

    Distcache two = client("two", d);
    two.run(second, COMPILE).ok();
    s = d.awaitSummaries(2);
    assertEquals(2, nativeSummaries(d).size(), s.toString());
    assertTrue(s.get(1).contains("COMPILE_OK") && s.get(1).contains("cache:hit"), s.toString());
    assertEquals(0, uploaded(s.get(1)), "a daemon-side hit must not upload the source: " + s);
    assertTrue(log("two").contains("main.c: native daemon hit, uploaded 0 bytes"), log("two"));
    assertEquals(1, two.stat("remote_compile"), "the second client's miss went to the daemon");

    two.direct(local, COMPILE).ok();
    byte[] expected = Distcache.read(local.resolve("main.o"));
    assertArrayEquals(
        expected, Distcache.read(first.resolve("main.o")), "the daemon's object is the local one");
    assertArrayEquals(
        expected, Distcache.read(second.resolve("main.o")), "the daemon's stored object too");
  }

  @Test
  void severalJobs_shareOneConnection() throws Exception {
    RemoteDaemon d = daemon(RemoteDaemon.on("127.0.0.2", tmp).allowGccAndGxx());
    Distcache dc = client("one", d);
    Path src = tmp.resolve("many");
    Path local = tmp.resolve("local");
    for (int i = 0; i < 3; i++) {
      String code = "int f" + i + "(int x) { return x + " + i + "; }\n";
      Distcache.write(src.resolve("f" + i + ".c"), code);
      Distcache.write(local.resolve("f" + i + ".c"), code);
    }
    for (int i = 0; i < 3; i++) {
      dc.run(src, "gcc", "-O2", "-c", "f" + i + ".c", "-o", "f" + i + ".o").ok();
    }
    d.awaitSummaries(3);
    assertEquals(
        3, nativeSummaries(d).stream().filter(l -> l.contains("COMPILE_OK")).count(), d.log());
    long connections = d.log().lines().filter(l -> l.contains("for gcc accepted")).count();
    assertEquals(1, connections, "three jobs, one after another, on one connection: " + d.log());
    assertEquals(
        2, log("one").lines().filter(l -> l.contains("reused connection")).count(), log("one"));
    for (int i = 0; i < 3; i++) {
      dc.direct(local, "gcc", "-O2", "-c", "f" + i + ".c", "-o", "f" + i + ".o").ok();
      assertArrayEquals(
          Distcache.read(local.resolve("f" + i + ".o")),
          Distcache.read(src.resolve("f" + i + ".o")));
    }

    // make -j2 of four more files: at most two jobs at once, so at most one more connection.
    StringBuilder makefile = new StringBuilder("all:");
    for (int i = 3; i < 7; i++) {
      Distcache.write(
          src.resolve("f" + i + ".c"), "int f" + i + "(int x) { return x * " + i + "; }\n");
      makefile.append(" f").append(i).append(".o");
    }
    makefile.append("\n%.o: %.c\n\t$(CC) -O2 -c $< -o $@\n");
    Distcache.write(src.resolve("Makefile"), makefile.toString());
    dc.exec(src, "make", "-j2", "CC=" + Distcache.LAUNCHER + " gcc").ok();
    d.awaitSummaries(7);
    assertEquals(
        7, nativeSummaries(d).stream().filter(l -> l.contains("COMPILE_OK")).count(), d.log());
    connections = d.log().lines().filter(l -> l.contains("for gcc accepted")).count();
    assertTrue(
        connections <= 2,
        "seven jobs, at most two at once, on " + connections + " connections: " + d.log());
  }

  @Test
  void aDaemonWhoseGccIsAnotherBinary_refusesTheIdentity_andTheClientCompilesLocally()
      throws Exception {
    // The daemon's gcc: a copy of the real driver with bytes appended (it still runs, it is not the
    // same binary).
    Path real =
        Path.of(
                Processes.run(tmp, System.getenv(), List.of("sh", "-c", "command -v gcc"))
                    .ok()
                    .out()
                    .strip())
            .toRealPath();
    Path bin = Files.createDirectories(tmp.resolve("otherbin"));
    Path gcc = bin.resolve("gcc");
    Files.copy(real, gcc);
    Files.write(
        gcc,
        "\0distcache-test: another build".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);
    Files.setPosixFilePermissions(gcc, PosixFilePermissions.fromString("rwxr-xr-x"));
    RemoteDaemon d =
        daemon(
            RemoteDaemon.on("127.0.0.2", tmp)
                .env("PATH", bin + ":" + System.getenv("PATH"))
                .allowGccAndGxx());
    Path src = project(tmp.resolve("src"));
    Path local = project(tmp.resolve("local"));
    Distcache dc = client("one", d);

    dc.run(src, COMPILE).ok();
    dc.direct(local, COMPILE).ok();

    d.awaitLog("compiler identity mismatch for gcc");
    assertTrue(
        nativeSummaries(d).isEmpty(), "no job runs after a refused handshake: " + d.summaries());
    assertTrue(log("one").contains("main.c: refuses the compiler, trying elsewhere"), log("one"));
    assertEquals(0, dc.stat("remote_compile"), log("one"));
    assertArrayEquals(
        Distcache.read(local.resolve("main.o")), Distcache.read(src.resolve("main.o")));
  }

  @Test
  void malformedNativeFrames_closeTheirConnection_andTheDaemonKeepsServing() throws Exception {
    RemoteDaemon d = daemon(RemoteDaemon.on("127.0.0.2", tmp).allowGccAndGxx());
    String[] bad = {
      "DCD100000001CNAMzzzzzzzz", // not hex
      "DCD100000001CNAM7fffffff", // a name of 2 GiB: refused before anything is allocated
      "DCD100000009CNAM00000003gcc", // a revision this daemon does not speak
      "DCD100000001CNAM00000003gccCIDN00000001x" // an unknown identity: refused with a reason
          + "JOB_00000001ARGV00000003gcc",
    };
    for (String request : bad) {
      byte[] answer = d.exchange("127.0.0.1", request.getBytes(StandardCharsets.US_ASCII));
      String text = new String(answer, StandardCharsets.US_ASCII);
      assertTrue(answer.length == 0 || text.startsWith("RFSD"), request + " got " + text);
    }
    d.awaitLog("bad handshake");
    d.awaitLog("compiler identity mismatch");

    Path src = project(tmp.resolve("src"));
    Path local = project(tmp.resolve("local"));
    Distcache dc = client("one", d);
    dc.run(src, COMPILE).ok();
    dc.direct(local, COMPILE).ok();
    d.awaitSummaries(1);
    assertEquals(
        1, nativeSummaries(d).stream().filter(l -> l.contains("COMPILE_OK")).count(), d.log());
    assertArrayEquals(
        Distcache.read(local.resolve("main.o")), Distcache.read(src.resolve("main.o")));
  }

  @Test
  void afterAnAcceptedHandshake_aRefusedJobKeepsTheConnection_aBadFrameOrAWrongKeyClosesIt()
      throws Exception {
    RemoteDaemon d = daemon(RemoteDaemon.on("127.0.0.2", tmp).allowGccAndGxx());
    Path gcc =
        Path.of(
            Processes.run(tmp, System.getenv(), List.of("sh", "-c", "command -v gcc"))
                .ok()
                .out()
                .strip());
    String identity = new NativeIdentity().of(gcc, System.getenv());
    byte[] source = "int answer(void) { return 42; }\n".getBytes(StandardCharsets.UTF_8);
    List<String> argv = List.of("gcc", "-O2", "-c", "a.c", "-o", "a.o");

    try (Socket s = connect(d)) {
      PacketWriter out = hello(s, identity);
      PacketReader in =
          new PacketReader(new BufferedInputStream(s.getInputStream()), DistccLimits.DEFAULTS);
      assertNull(NativeCodec.readHelloAnswer(in));
      NativeCodec.writeJob(
          out, new NativeCodec.Job(List.of("gcc", "-fplugin=evil.so", "-c", "a.c"), new byte[32]));
      out.flush();
      NativeCodec.Answer refused = NativeCodec.readAnswer(in);
      assertTrue(
          refused instanceof NativeCodec.Answer.Refused r && r.reason().contains("plugin"),
          refused.toString());
      // gcc's long spellings go through the same policy as on the distcc protocol
      Path listing = tmp.resolve("native-listing.lst");
      for (String spelled : List.of("--plugin=evil.so", "--for-assembler=-adhln=" + listing)) {
        NativeCodec.writeJob(
            out, new NativeCodec.Job(List.of("gcc", spelled, "-c", "a.c"), new byte[32]));
        out.flush();
        NativeCodec.Answer no = NativeCodec.readAnswer(in);
        assertTrue(
            no instanceof NativeCodec.Answer.Refused r
                && r.reason().contains(spelled + " (gcc reads "),
            no.toString());
      }
      assertFalse(Files.exists(listing));
      // The same connection still serves: a miss, then the source, then the object.
      NativeCodec.writeJob(out, new NativeCodec.Job(argv, NativeKey.job(argv, source)));
      out.flush();
      assertTrue(NativeCodec.readAnswer(in) instanceof NativeCodec.Answer.Send);
      NativeCodec.writeSource(out, source);
      out.flush();
      NativeCodec.Answer done = NativeCodec.readAnswer(in);
      assertTrue(
          done instanceof NativeCodec.Answer.Done r
              && r.result().status() == 0
              && r.result().object().length > 0,
          done.toString());
      // A frame that is not a job: the daemon closes.
      s.getOutputStream().write("JOB_zzzzzzzz".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      assertEquals(-1, s.getInputStream().read(), "closed after a malformed job frame");
    }
    try (Socket s = connect(d)) {
      PacketWriter out = hello(s, identity);
      PacketReader in =
          new PacketReader(new BufferedInputStream(s.getInputStream()), DistccLimits.DEFAULTS);
      assertNull(NativeCodec.readHelloAnswer(in));
      byte[] wrongKey = NativeKey.job(argv, "int other;\n".getBytes(StandardCharsets.UTF_8));
      NativeCodec.writeJob(out, new NativeCodec.Job(argv, wrongKey));
      out.flush();
      assertTrue(NativeCodec.readAnswer(in) instanceof NativeCodec.Answer.Send);
      NativeCodec.writeSource(out, source);
      out.flush();
      assertEquals(
          -1, s.getInputStream().read(), "closed after an upload that does not match its key");
    }
    d.awaitLog("bad job from");
    d.awaitLog("does not match its argv and source");

    Path src = project(tmp.resolve("src"));
    client("one", d).run(src, COMPILE).ok();
    d.awaitSummaries(7); // the daemon logs a job's line after answering it
    assertTrue(nativeSummaries(d).stream().anyMatch(l -> l.contains("main.c cache:miss")), d.log());
    assertTrue(
        d.log().contains("refused a job from")
            && d.log()
                .contains(
                    "--plugin=evil.so (gcc reads"
                        + " -fplugin=evil.so) is refused: it would load a compiler plugin"),
        d.log());
  }

  private static Socket connect(RemoteDaemon d) throws Exception {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(d.address, d.port), 10_000);
    s.setSoTimeout(60_000);
    return s;
  }

  private static PacketWriter hello(Socket s, String identity) throws Exception {
    PacketWriter out = new PacketWriter(new BufferedOutputStream(s.getOutputStream()));
    NativeCodec.writeHello(out, new NativeCodec.Hello("gcc", identity));
    out.flush();
    return out;
  }
}
