package dev.distcache.core.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CancellationTest {
  /**
   * A "compiler" that starts a child (as gcc starts cc1) and records both pids, then waits long.
   */
  private static final String SLOW = "echo $$ > pids; sleep 600 & echo $! >> pids; wait";

  @TempDir Path tmp;

  @Test
  void cancel_stopsTheRunningProcessAndItsChildren_andTheRunFails() throws Exception {
    Cancellation cancellation = new Cancellation();
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> outcome.complete(cancellation.within(this::runSlow)));
    List<Long> pids = awaitPids();

    cancellation.cancel();

    Throwable thrown = outcome.get(60, TimeUnit.SECONDS);
    assertTrue(thrown instanceof Cancellation.CancelledException, String.valueOf(thrown));
    for (long pid : pids) {
      assertTrue(gone(pid), "process " + pid + " was stopped");
    }
  }

  /** Whether a process has exited (a zombie that init has not reaped yet has). */
  private static boolean gone(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state == 'Z' || state == 'X';
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void run_afterCancel_stopsTheNewProcessAtOnce() {
    Cancellation cancellation = new Cancellation();
    cancellation.cancel();

    Throwable thrown = cancellation.within(this::runSlow);

    assertTrue(thrown instanceof Cancellation.CancelledException, String.valueOf(thrown));
  }

  @Test
  void run_withoutCancellation_returnsTheResult() throws IOException {
    ProcessRunner.Exec exec =
        new Cancellation()
            .within(() -> {
              try {
                return ProcessRunner.system()
                    .run(
                        List.of("/bin/sh", "-c", "printf out; printf err >&2; exit 3"),
                        Map.of(),
                        tmp);
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            });
    assertEquals(3, exec.exitCode());
    assertEquals("out", new String(exec.stdout()));
    assertEquals("err", new String(exec.stderr()));
  }

  /** Runs the slow compiler and returns what it threw (null when it returned). */
  private Throwable runSlow() {
    try {
      ProcessRunner.system()
          .run(List.of("/bin/sh", "-c", SLOW), Map.of("PATH", "/usr/bin:/bin"), tmp);
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  private List<Long> awaitPids() throws Exception {
    Path file = tmp.resolve("pids");
    for (int i = 0; i < 6000; i++) {
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file);
        if (lines.size() == 2) {
          return lines.stream().map(Long::parseLong).toList();
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the slow compiler did not start");
  }
}
