package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.distribute.distcc.DistccReply;
import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.ProtocolVersion;
import dev.distcache.testing.RemoteDaemon;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits on running jobs: {@code -j} slots, {@code --job-lifetime}, and a client that hangs up
 * while its compile runs. The compiler is a script ({@code slowcc}) that notes when it starts and
 * ends, and sleeps in between, so the tests see the daemon's decisions in the order they happened
 * rather than in how long they took.
 */
class DaemonJobBoundsTest {
  @TempDir Path tmp;
  Path src;
  Path events;
  RemoteDaemon daemon;

  @BeforeEach
  void setUp() throws Exception {
    src = tmp.resolve("src");
    DistccSources.write(src);
    events = tmp.resolve("events");
    Files.writeString(events, "");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  private RemoteDaemon start(int sleepSeconds, String... args) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path slow = bin.resolve("slowcc");
    Files.writeString(
        slow,
        "#!/bin/sh\necho \"start $$\" >> "
            + events
            + "\nsleep "
            + sleepSeconds
            + "\necho \"end $$\" >> "
            + events
            + "\nexec gcc \"$@\"\n");
    Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
    daemon =
        RemoteDaemon.on("127.0.0.2", tmp.resolve("d"))
            .args("--allow-compiler", "slowcc")
            .args(args)
            .env("PATH", bin + ":" + System.getenv("PATH"))
            .start();
    return daemon;
  }

  private byte[] request(String... extra) {
    DistccRequest.Preprocessed hello =
        (DistccRequest.Preprocessed) RawJobs.hello(src, ProtocolVersion.V1);
    List<String> argv = new ArrayList<>(List.of("slowcc", "-c"));
    argv.addAll(List.of(extra));
    argv.addAll(List.of("hello.c", "-o", "hello.o"));
    return RawJobs.bytes(new DistccRequest.Preprocessed(ProtocolVersion.V1, argv, hello.source()));
  }

  private List<String> eventWords() throws Exception {
    return Files.readAllLines(events).stream().map(l -> l.split(" ")[0]).toList();
  }

  @Test
  void oneSlot_runsTheJobsOneAfterTheOther() throws Exception {
    start(1, "--jobs", "1");
    List<CompletableFuture<byte[]>> jobs = new ArrayList<>();
    // A thread per client, not the common pool: that has one worker on a 2-core machine and would
    // send the jobs one after the other itself, so the daemon's bound would go untested.
    try (ExecutorService clients = Executors.newFixedThreadPool(3)) {
      for (int i = 0; i < 3; i++) {
        String flag = "-DJOB" + i; // different keys: each job compiles
        jobs.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return daemon.exchange("127.0.0.1", request(flag));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                clients));
      }
      for (CompletableFuture<byte[]> j : jobs) {
        assertEquals(0, RawJobs.reply(j.get(120, TimeUnit.SECONDS), ProtocolVersion.V1).status());
      }
    }
    assertEquals(
        List.of("start", "end", "start", "end", "start", "end"),
        eventWords(),
        "with -j 1 no compile starts before the previous one ended");
  }

  @Test
  void aCompileOutlivingJobLifetime_isKilled_andAnsweredWithDistccsTimeoutCode() throws Exception {
    start(60, "--job-lifetime", "1");
    DistccReply reply = RawJobs.reply(daemon.exchange("127.0.0.1", request()), ProtocolVersion.V1);

    assertEquals(118, reply.exitCode());
    assertTrue(
        new String(reply.stderr()).contains("ran longer than --job-lifetime 1 s and was killed"),
        new String(reply.stderr()));
    List<String> lines = daemon.awaitSummaries(1);
    assertTrue(lines.get(0).contains(" COMPILE_TIMEOUT exit:118 "), lines.get(0));
    assertEquals(List.of("start"), eventWords(), "the compiler never got to its end");
    assertFalse(
        ProcessHandle.of(pid(0)).map(ProcessHandle::isAlive).orElse(false),
        "the compiler was killed");
  }

  @Test
  void aClientHangingUpMidCompile_getsItsCompilerKilled() throws Exception {
    start(60);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(daemon.address, daemon.port));
      s.getOutputStream().write(request());
      s.getOutputStream().flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (Files.readString(events).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } // closed: the client is gone
    List<String> lines = daemon.awaitSummaries(1);
    assertTrue(
        lines.get(0).contains(" CLI_DISCONN ") && lines.get(0).contains(" ret:107 "), lines.get(0));
    daemon.awaitLog("disconnected, killing the job");
    assertFalse(
        ProcessHandle.of(pid(0)).map(ProcessHandle::isAlive).orElse(false),
        "the compiler was killed");
    assertEquals(List.of("start"), eventWords());
  }

  private long pid(int event) throws Exception {
    return Long.parseLong(Files.readAllLines(events).get(event).split(" ")[1]);
  }
}
