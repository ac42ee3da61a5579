package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.distribute.distcc.DistccReply;
import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.ProtocolVersion;
import dev.distcache.distribute.distcc.PumpFile;
import dev.distcache.testing.Processes;
import dev.distcache.testing.RemoteDaemon;
import dev.distcache.testing.Run;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code distcache daemon} refuses: clients outside {@code --allow}, compilers outside its
 * list and options that would run or read what the client chose (without running anything),
 * malformed and oversized requests, slow senders, and pump-mode files that would leave the job's
 * directory. Each is closed without an answer and logged, and the daemon serves the next job.
 */
class DaemonSafetyTest {
  @TempDir Path tmp;
  Path src;
  RemoteDaemon daemon;

  @BeforeEach
  void setUp() {
    src = tmp.resolve("src");
    DistccSources.write(src);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  /** Sends a good protocol-1 job from 127.0.0.1 and checks the answer carries an object. */
  private void assertServes(RemoteDaemon d) throws Exception {
    DistccReply reply =
        RawJobs.reply(
            d.exchange("127.0.0.1", RawJobs.bytes(RawJobs.hello(src, ProtocolVersion.V1))),
            ProtocolVersion.V1);
    assertEquals(0, reply.status(), new String(reply.stderr()));
    assertTrue(reply.object().length > 0);
  }

  @Test
  void aClientOutsideAllow_isClosedWithoutAnAnswer_andAnAllowedOneIsServed() throws Exception {
    daemon =
        RemoteDaemon.on("127.0.0.3", tmp.resolve("d"))
            .allowGccAndGxx()
            .args("--allow", "127.0.0.2/32")
            .start();
    byte[] request = RawJobs.bytes(RawJobs.hello(src, ProtocolVersion.V2));

    assertEquals(0, daemon.exchange("127.0.0.1", request).length);
    DistccReply reply = RawJobs.reply(daemon.exchange("127.0.0.2", request), ProtocolVersion.V2);
    assertEquals(0, reply.status());
    assertTrue(
        daemon
            .log()
            .matches(
                "(?s).*\\(dcc_check_client\\) ERROR: connection from client '127\\.0\\.0\\.1:\\d+'"
                    + " denied by access list.*"),
        daemon.log());
    List<String> lines = daemon.awaitSummaries(1);
    assertEquals(1, lines.size(), "a denied connection is not a job: " + lines);
    assertTrue(lines.get(0).contains("client: 127.0.0.2:"), lines.get(0));
    // the stock client connects from 127.0.0.1 and is refused too
    Run distcc =
        DistccSources.distcc(
            src,
            DistccSources.distccEnv(tmp.resolve("state"), "127.0.0.3:" + daemon.port),
            "gcc",
            "-c",
            "-DX",
            "-Iinc",
            "hello.c",
            "-o",
            "hello.o");
    assertNotEquals(0, distcc.exitCode());
    assertFalse(Files.exists(src.resolve("hello.o")));
  }

  @Test
  void compilersOutsideTheList_andPluginOrSpecsOptions_areRefusedWithoutRunningAnything()
      throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    script(bin.resolve("evilcc"), "touch " + tmp.resolve("evil-ran") + "\n");
    script(bin.resolve("markcc"), "touch " + tmp.resolve("markcc-ran") + "\nexec gcc \"$@\"\n");
    daemon =
        RemoteDaemon.on("127.0.0.2", tmp.resolve("d"))
            .args("--allow-compiler", "markcc")
            .env("PATH", bin + ":" + System.getenv("PATH"))
            .start();
    byte[] doti = ((DistccRequest.Preprocessed) RawJobs.hello(src, ProtocolVersion.V1)).source();
    List<List<String>> refused =
        List.of(
            List.of("evilcc", "-c", "hello.c", "-o", "hello.o"),
            List.of("/usr/local/bin/markcc", "-c", "hello.c", "-o", "hello.o"),
            List.of(
                "markcc", "-c", "-fplugin=" + tmp.resolve("plugin.so"), "hello.c", "-o", "hello.o"),
            List.of(
                "markcc", "-c", "-specs=" + tmp.resolve("evil.specs"), "hello.c", "-o", "hello.o"),
            List.of("markcc", "-c", "-B" + bin, "hello.c", "-o", "hello.o"),
            List.of("markcc", "-c", "@" + tmp.resolve("args"), "hello.c", "-o", "hello.o"),
            List.of("markcc", "-c", "-wrapper", "/bin/sh", "hello.c", "-o", "hello.o"));
    for (List<String> argv : refused) {
      byte[] answer =
          daemon.exchange(
              "127.0.0.1",
              RawJobs.bytes(new DistccRequest.Preprocessed(ProtocolVersion.V1, argv, doti)));
      assertEquals(0, answer.length, argv + " was answered");
    }
    List<String> lines = daemon.awaitSummaries(refused.size());
    assertTrue(
        lines.stream().allMatch(l -> l.contains(" OTHER exit:0 sig:0 core:0 ret:101 ")),
        lines.toString());
    String log = daemon.log();
    assertTrue(
        log.contains("evilcc is not in the daemon's allowed compilers (--allow-compiler markcc)"),
        log);
    assertTrue(log.contains("compiler name </usr/local/bin/markcc> cannot be a path"), log);
    assertTrue(
        log.contains(
            "-fplugin="
                + tmp.resolve("plugin.so")
                + " is refused: it would load a compiler plugin"),
        log);
    assertTrue(
        log.contains("-specs=")
            && log.contains("-B" + bin + " is refused")
            && log.contains("response file")
            && log.contains("-wrapper /bin/sh is refused"),
        log);
    assertFalse(Files.exists(tmp.resolve("evil-ran")));
    assertFalse(Files.exists(tmp.resolve("markcc-ran")));

    // the same compiler without the refused option runs: the marker above could have appeared
    DistccReply reply =
        RawJobs.reply(
            daemon.exchange(
                "127.0.0.1",
                RawJobs.bytes(
                    new DistccRequest.Preprocessed(
                        ProtocolVersion.V1,
                        List.of("markcc", "-c", "hello.c", "-o", "hello.o"),
                        doti))),
            ProtocolVersion.V1);
    assertEquals(0, reply.status());
    assertTrue(Files.exists(tmp.resolve("markcc-ran")));
  }

  /**
   * gcc's long spellings of the options the daemon refuses: {@code --prefix=./} with an uploaded
   * specs file (protocol 3) would make gcc run {@code sh}, {@code --for-assembler=-adhln=PATH}
   * would make the assembler write a listing where the client chose. The payload is shown to work
   * with gcc first; through the daemon nothing runs and nothing is written, and each refusal is
   * logged with the option as spelled and as gcc reads it.
   */
  @Test
  void longSpellingsOfOptionsThatRunOrWriteFiles_areRefused_andLoggedWithTheOption()
      throws Exception {
    Path marker = tmp.resolve("sh-ran");
    String specs = "*invoke_as:\n%{!S:-o %|.s |\n sh evil.sh\n as %(asm_options) %m.s %A }\n";
    Path control = Files.createDirectories(tmp.resolve("control"));
    DistccSources.write(control);
    Files.writeString(control.resolve("specs"), specs);
    Files.writeString(control.resolve("evil.sh"), "touch " + tmp.resolve("control-ran") + "\n");
    Processes.run(
            control,
            Map.of("PATH", System.getenv("PATH")),
            List.of("gcc", "--prefix=./", "-c", "-DX", "-Iinc", "hello.c", "-o", "hello.o"))
        .ok();
    assertTrue(
        Files.exists(tmp.resolve("control-ran")), "the payload runs sh when gcc reads the specs");

    daemon = RemoteDaemon.on("127.0.0.2", tmp.resolve("d")).allowGccAndGxx().start();
    List<PumpFile> upload =
        List.of(
            new PumpFile.Regular("/home/u/p/specs", specs.getBytes()),
            new PumpFile.Regular("/home/u/p/evil.sh", ("touch " + marker + "\n").getBytes()));
    Path listing = tmp.resolve("listing.lst");
    Path plugin = tmp.resolve("plugin.so");
    List<DistccRequest> refused =
        List.of(
            RawJobs.pump("/home/u/p", List.of("--prefix=./"), upload),
            RawJobs.pump("/home/u/p", List.of("--prefix", "./"), upload),
            RawJobs.pump("/home/u/p", List.of("--pref", "./"), upload),
            RawJobs.hello(src, ProtocolVersion.V1, "--for-assembler=-adhln=" + listing),
            RawJobs.hello(src, ProtocolVersion.V2, "--for-as", "-adhln=" + listing),
            RawJobs.hello(src, ProtocolVersion.V1, "-Wa,-adhln=" + listing),
            RawJobs.hello(src, ProtocolVersion.V1, "--plugin=" + plugin));
    for (DistccRequest r : refused) {
      assertEquals(
          0, daemon.exchange("127.0.0.1", RawJobs.bytes(r)).length, r.argv() + " was answered");
    }
    List<String> lines = daemon.awaitSummaries(refused.size());
    assertTrue(
        lines.stream().allMatch(l -> l.contains(" OTHER exit:0 sig:0 core:0 ret:101 ")),
        lines.toString());
    assertFalse(Files.exists(marker), "sh ran on the daemon");
    assertFalse(Files.exists(listing), "the assembler wrote the client's listing");
    String log = daemon.log();
    for (String why :
        List.of(
            "--prefix=./ (gcc reads -B./) is refused",
            "--prefix ./ (gcc reads -B./) is refused",
            "--pref ./ (gcc reads -B./) is refused",
            "--for-assembler=-adhln="
                + listing
                + " (gcc reads -Xassembler -adhln="
                + listing
                + ") is refused",
            "--for-as -adhln="
                + listing
                + " (gcc reads -Xassembler -adhln="
                + listing
                + ") is refused",
            "-Wa,-adhln=" + listing + " is refused: the assembler option -adhln=" + listing,
            "--plugin="
                + plugin
                + " (gcc reads -fplugin="
                + plugin
                + ") is refused: it would load a compiler plugin")) {
      assertTrue(
          log.contains("(dcc_check_job) Warning: refused a job from 127.0.0.1:")
              && log.contains(why),
          why + " in\n" + log);
    }

    // the same jobs without the refused option are served
    DistccReply ok =
        RawJobs.reply(
            daemon.exchange(
                "127.0.0.1",
                RawJobs.bytes(
                    RawJobs.pump(
                        "/home/u/p",
                        List.of("--include-directory=/home/u/p", "--optimize=1"),
                        upload))),
            ProtocolVersion.V3);
    assertEquals(0, ok.status(), new String(ok.stderr()));
    assertTrue(ok.object().length > 0);
    assertFalse(Files.exists(marker));
  }

  /**
   * One daemon with a 64 MiB heap and a 1.5 GiB file limit: a body announced at 1 GiB would not fit
   * if the daemon allocated what the peer announces.
   */
  @Test
  void malformedRequests_areClosedAndLogged_andTheDaemonServesTheNextJob() throws Exception {
    daemon =
        RemoteDaemon.on("127.0.0.2", tmp.resolve("d"))
            .allowGccAndGxx()
            .stats()
            .env("DISTCACHE_DAEMON_JAVA_OPTS", "-Xmx64m")
            .args(
                "--max-argc",
                "64",
                "--max-arg-length",
                "4Ki",
                "--max-file-size",
                "1536Mi",
                "--max-request-size",
                "2Gi",
                "--io-timeout",
                "3")
            .start();
    byte[] head = RawJobs.ascii("DIST00000001ARGC00000005");
    byte[] argv =
        RawJobs.ascii(
            "ARGV00000003gccARGV00000002-cARGV00000007hello.cARGV00000002-oARGV00000007hello.o");
    Object[][] cases = {
      {"wrong token", RawJobs.ascii("HELO00000001ARGC00000001"), "expected DIST but got \"HELO\""},
      {"bad hex", RawJobs.ascii("DIST0000000gARGC00000001"), "is not 8 hex digits: \"0000000g\""},
      {"unknown version", RawJobs.ascii("DIST00000009"), "unsupported distcc protocol version 9"},
      {
        "argc over the limit",
        RawJobs.ascii("DIST00000001ARGC00000041"),
        "ARGC is 65, more than the limit of 64"
      },
      {
        "argument over the limit",
        RawJobs.ascii("DIST00000001ARGC00000001ARGV7fffffff"),
        "ARGV is 2147483647 bytes, more than the limit of 4096"
      },
      {
        "body over the limit",
        RawJobs.concat(head, argv, RawJobs.ascii("DOTI7fffffff")),
        "DOTI is 2147483647 bytes, more than the limit of 1610612736"
      },
      {
        "truncated body",
        RawJobs.concat(head, argv, RawJobs.ascii("DOTI00001000int x;")),
        "stream ended after 6 of the 4096 bytes of DOTI"
      },
      {
        "1 GiB announced, 1000 bytes sent",
        RawJobs.concat(head, argv, RawJobs.ascii("DOTI40000000"), new byte[1000]),
        "stream ended after 1000 of the 1073741824 bytes of DOTI"
      },
      {
        "garbage LZO",
        RawJobs.concat(
            RawJobs.ascii("DIST00000002ARGC00000005"),
            argv,
            RawJobs.ascii("DOTI00000010"),
            new byte[] {(byte) 0xff, (byte) 0xfe, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}),
        "DOTI: "
      },
    };
    int jobs = 0;
    for (Object[] c : cases) {
      assertEquals(0, sendAndHalfClose((byte[]) c[1]).length, c[0] + " was answered");
      List<String> lines = daemon.awaitSummaries(++jobs);
      assertTrue(
          lines.get(jobs - 1).contains(" REJ_BAD_REQ exit:0 sig:0 core:0 ret:109 "),
          c[0] + ": " + lines);
      assertTrue(daemon.log().contains((String) c[2]), c[0] + ": " + daemon.log());
      assertServes(daemon);
      daemon.awaitSummaries(++jobs);
    }
    // a slow sender: half a header, then nothing; the daemon gives up after --io-timeout
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(daemon.address, daemon.port));
      s.setSoTimeout(60_000);
      s.getOutputStream().write(RawJobs.ascii("DIST00000001ARGC000"));
      InputStream in = s.getInputStream();
      assertEquals(-1, readOrReset(in), "the daemon closed the connection without answering");
    }
    List<String> lines = daemon.awaitSummaries(++jobs);
    assertTrue(
        lines.get(jobs - 1).contains(" CLI_DISCONN exit:0 sig:0 core:0 ret:107 "),
        lines.toString());
    daemon.awaitLog("no complete request from 127.0.0.1:");
    daemon.awaitLog(" within 3 s (--io-timeout)");
    assertServes(daemon);

    assertTrue(daemon.process.isAlive());
    assertFalse(
        daemon.log().contains("OutOfMemoryError") || daemon.log().contains("internal error"),
        daemon.log());
    assertEquals(cases.length, daemon.stat("dcc_rej_bad_req"));
  }

  @Test
  void pumpFilesAndPathsThatWouldLeaveTheJobsDirectory_areRefused() throws Exception {
    daemon = RemoteDaemon.on("127.0.0.2", tmp.resolve("d")).allowGccAndGxx().start();
    String escaped = tmp.resolve("escaped").toString();
    List<DistccRequest.Pump> refused =
        List.of(
            RawJobs.pump(
                "/home/u/p",
                List.of(),
                List.of(new PumpFile.Regular("/../../../../../.." + escaped, new byte[1]))),
            RawJobs.pump(
                "/home/u/p", List.of(), List.of(new PumpFile.Link("/home/u/p/l", escaped))),
            RawJobs.pump(
                "/home/u/p",
                List.of(),
                List.of(
                    new PumpFile.Link("/home/u/p/l", "../../../../../../tmp"),
                    new PumpFile.Regular("/home/u/p/l/x", new byte[1]))),
            RawJobs.pump(
                "/home/u/p",
                List.of(),
                List.of(
                    new PumpFile.Link("/home/u/p/d", "sub"),
                    new PumpFile.Regular("/home/u/p/d/x", new byte[1]))),
            RawJobs.pump("/home/u/p", List.of("-I../../../../../../../etc"), List.of()),
            RawJobs.pump(
                "/home/u/p", List.of("-include", "../../../../../../etc/hostname"), List.of()),
            new DistccRequest.Pump(
                "home/u/p",
                RawJobs.pump("/home/u/p", List.of(), List.of()).argv(),
                RawJobs.pump("/home/u/p", List.of(), List.of()).files()));
    for (DistccRequest.Pump r : refused) {
      assertEquals(0, daemon.exchange("127.0.0.1", RawJobs.bytes(r)).length, r.toString());
    }
    List<String> lines = daemon.awaitSummaries(refused.size());
    assertTrue(
        lines.stream().allMatch(l -> l.contains(" OTHER ") && l.contains(" ret:101 ")),
        lines.toString());
    assertFalse(Files.exists(Path.of(escaped)));
    String log = daemon.log();
    for (String why :
        List.of(
            "without . or .. components",
            "must be relative",
            "may not contain ..",
            "passes through a symbolic link",
            "leads out of the client's files",
            "CDIR \"home/u/p\"")) {
      assertTrue(log.contains(why), why + " in\n" + log);
    }

    DistccReply ok =
        RawJobs.reply(
            daemon.exchange(
                "127.0.0.1",
                RawJobs.bytes(RawJobs.pump("/home/u/p", List.of("-I/home/u/p"), List.of()))),
            ProtocolVersion.V3);
    assertEquals(0, ok.status(), new String(ok.stderr()));
    String deps = new String(ok.dependencies());
    assertTrue(
        deps.startsWith("hello.o: hello.c /usr/include/stdc-predef.h ")
            && deps.endsWith(" greet.h\n")
            && !deps.contains("distcache-job-"),
        deps);
  }

  private byte[] sendAndHalfClose(byte[] request) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(daemon.address, daemon.port));
      s.setSoTimeout(60_000);
      try {
        s.getOutputStream().write(request);
        s.shutdownOutput();
      } catch (java.io.IOException e) {
        return new byte[0]; // closed while we sent
      }
      try {
        return s.getInputStream().readAllBytes();
      } catch (java.net.SocketException e) {
        return new byte[0];
      }
    }
  }

  private static int readOrReset(InputStream in) throws java.io.IOException {
    try {
      return in.read();
    } catch (java.net.SocketException e) {
      return -1;
    }
  }

  private static void script(Path p, String body) throws Exception {
    Files.writeString(p, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
