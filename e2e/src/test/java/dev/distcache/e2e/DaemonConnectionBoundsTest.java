package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.distribute.distcc.ProtocolVersion;
import dev.distcache.testing.RemoteDaemon;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections that send nothing cannot lock other clients out of the daemon (issue 8, item 3): a
 * short deadline for a connection's first bytes ({@code --first-frame-timeout}), a cap on
 * connections from one address ({@code --max-client-connections}, the oldest silent one making
 * room), and job slots taken only by clients that have sent a job.
 */
class DaemonConnectionBoundsTest {
  @TempDir Path tmp;
  Path src;
  RemoteDaemon daemon;
  final List<Socket> idle = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    src = tmp.resolve("src");
    DistccSources.write(src);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Socket s : idle) {
      s.close();
    }
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void hundredIdleConnections_doNotLockOutJobs_andAreClosedAfterTheFirstFrameDeadline()
      throws Exception {
    daemon =
        RemoteDaemon.on("127.0.0.2", tmp.resolve("d"))
            .allowGccAndGxx()
            .args("--jobs", "1", "--first-frame-timeout", "3")
            .start();
    openIdle("127.0.0.1", 100);

    assertEquals(0, job("127.0.0.3"), "a job from another address is served");
    assertEquals(0, job("127.0.0.1"), "a job from the idle connections' own address is served");
    for (Socket s : idle) {
      assertTrue(
          closedByDaemon(s, 60_000),
          "an idle connection is closed by the daemon, not after --io-timeout");
    }
    daemon.awaitLog("--first-frame-timeout");
  }

  @Test
  void connectionsBeyondThePerAddressCap_areClosed_andAJobStillGetsIn() throws Exception {
    daemon =
        RemoteDaemon.on("127.0.0.2", tmp.resolve("d"))
            .allowGccAndGxx()
            .args("--jobs", "1", "--first-frame-timeout", "300", "--max-client-connections", "4")
            .start();
    openIdle("127.0.0.1", 10);
    Set<Socket> closed = new HashSet<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (closed.size() < 6 && System.nanoTime() < deadline) {
      for (Socket s : idle) {
        if (!closed.contains(s) && closedByDaemon(s, 50)) {
          closed.add(s);
        }
      }
    }
    assertEquals(6, closed.size(), "all but 4 connections from 127.0.0.1 were closed");
    for (Socket s : idle) {
      if (!closed.contains(s)) {
        assertTrue(
            !closedByDaemon(s, 1000), "the 4 newest are still open (their deadline is 300 s)");
      }
    }
    Socket other = connect("127.0.0.3");
    assertEquals(0, job("127.0.0.1"), "a job from the capped address still gets in");
    assertTrue(
        !closedByDaemon(other, 1000),
        "another address's connection is not counted against 127.0.0.1");
    other.close();
    daemon.awaitLog("--max-client-connections");
  }

  @Test
  void connectionsStallingAfterTheirFirstBytes_doNotHoldTheJobSlots() throws Exception {
    daemon =
        RemoteDaemon.on("127.0.0.2", tmp.resolve("d")).allowGccAndGxx().args("--jobs", "1").start();
    for (int i = 0; i < 10; i++) {
      Socket s = connect("127.0.0.1");
      s.getOutputStream()
          .write(RawJobs.ascii("DIST00000001")); // then nothing: a request never finished
      s.getOutputStream().flush();
      idle.add(s);
    }
    assertEquals(
        0, job("127.0.0.3"), "a whole job is served while the stalled ones wait for --io-timeout");
  }

  private void openIdle(String source, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      idle.add(connect(source));
    }
  }

  private Socket connect(String source) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(source, 0));
    s.connect(new InetSocketAddress(daemon.address, daemon.port), 10_000);
    return s;
  }

  /** The job's status, bounded by a hang guard. */
  private int job(String source) throws Exception {
    byte[] request = RawJobs.bytes(RawJobs.hello(src, ProtocolVersion.V1));
    byte[] answer =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return daemon.exchange(source, request);
                  } catch (IOException e) {
                    throw new IllegalStateException(e);
                  }
                })
            .get(120, TimeUnit.SECONDS);
    return RawJobs.reply(answer, ProtocolVersion.V1).status();
  }

  /** Whether the daemon closed the connection (end of stream or reset) within {@code millis}. */
  private static boolean closedByDaemon(Socket s, int millis) throws IOException {
    s.setSoTimeout(millis);
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;
    }
  }
}
