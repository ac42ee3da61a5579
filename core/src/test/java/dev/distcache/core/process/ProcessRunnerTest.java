package dev.distcache.core.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.process.ProcessRunner.Exec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system runner against real /bin/sh children: the one processes start with here (posix_spawn),
 * and, through {@link JdkLauncherProcessRunnerTest}, the JDK's launcher it falls back to.
 */
class ProcessRunnerTest {
  private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");

  final ProcessRunner runner = runner();

  /** The runner under test. */
  ProcessRunner runner() {
    return ProcessRunner.system();
  }

  @Test
  void theChild_getsOnlyItsStandardDescriptors_andTheUncachedOne() throws IOException {
    // The JVM has dozens open (jars, sockets, pipes). The shell tests each number without opening
    // anything itself.
    String list =
        "i=3; while [ $i -lt 256 ]; do [ -e /proc/$$/fd/$i ] && printf '%s ' $i; i=$((i + 1)); done;"
            + " echo .";
    assertEquals(".\n", new String(runner.run(sh(list)).stdout(), UTF_8));
    assertEquals(
        "3 .\n",
        new String(runner.run(sh(list).withUncachedErrTo(tmp.resolve("notes"))).stdout(), UTF_8));
  }

  @Test
  void theChild_hasNoSignalBlockedOrIgnored() throws IOException {
    Exec exec =
        runner.run(
            Command.of(List.of("grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"), ENV, tmp));
    // Signals 1 to 31; glibc keeps 32 and 33 for itself.
    for (String line : new String(exec.stdout(), UTF_8).strip().split("\n")) {
      long mask = Long.parseLong(line.substring(line.indexOf('\t') + 1), 16);
      assertEquals(0, mask & 0x7fffffffL, line);
    }
  }

  @Test
  void run_withAStdoutCopy_writesEachChunkToItWhileTheProcessRuns() throws IOException {
    // The child writes "first", then waits for the copy to have seen it before it writes more: a
    // copy made only once the process ended would leave it waiting (it gives up after 20 s).
    Path seen = tmp.resolve("seen");
    ByteArrayOutputStream copied = new ByteArrayOutputStream();
    OutputStream copy =
        new OutputStream() {
          @Override
          public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            copied.write(b, off, len);
            if (copied.toString(UTF_8).contains("first")) {
              try {
                Files.writeString(seen, "yes");
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          }
        };
    String script =
        "echo first; i=0; while [ ! -e seen ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done;"
            + " [ -e seen ] && echo second || echo late";
    Exec exec = runner.run(sh(script).withStdoutCopy(copy));
    assertEquals("first\nsecond\n", new String(exec.stdout(), UTF_8));
    assertArrayEquals(exec.stdout(), copied.toByteArray());
  }

  @Test
  void run_endedByASignal_reports128PlusTheSignal() throws IOException {
    assertEquals(128 + 15, runner.run(sh("kill -TERM $$")).exitCode());
  }

  @TempDir Path tmp;

  private Command sh(String script) {
    return Command.of(List.of("/bin/sh", "-c", script), ENV, tmp);
  }

  @Test
  void run_returnsTheExitCode_andStdoutAndStderrByteForByte() throws IOException {
    Exec exec = runner.run(sh("printf 'out\\000\\377x'; printf 'err\\n' >&2; exit 3"));

    assertEquals(3, exec.exitCode());
    assertArrayEquals(new byte[] {'o', 'u', 't', 0, (byte) 0xff, 'x'}, exec.stdout());
    assertArrayEquals("err\n".getBytes(UTF_8), exec.stderr());
    assertFalse(exec.timedOut());
  }

  @Test
  void run_inTheGivenDirectory_withExactlyTheGivenEnvironment() throws IOException {
    Exec exec =
        runner.run(
            Command.of(
                List.of("/bin/sh", "-c", "pwd; echo \"$ONLY\"; env | grep -c HOME"),
                Map.of("ONLY", "this"),
                tmp));

    assertEquals(tmp.toRealPath() + "\nthis\n0\n", new String(exec.stdout(), UTF_8));
  }

  @Test
  void run_withoutStdin_readsDevNull() throws IOException {
    assertEquals("0\n", new String(runner.run(sh("wc -c")).stdout(), UTF_8).strip() + "\n");
  }

  @Test
  void run_withStdin_feedsItsBytes() throws IOException {
    byte[] input = new byte[200_000]; // more than a pipe's buffer
    for (int i = 0; i < input.length; i++) {
      input[i] = (byte) i;
    }
    Exec exec = runner.run(sh("cat").withStdin(input));

    assertEquals(0, exec.exitCode());
    assertArrayEquals(input, exec.stdout());
  }

  @Test
  void run_withOutputFiles_writesThemThere() throws IOException {
    Path out = tmp.resolve("out");
    Path err = tmp.resolve("err");
    Exec exec = runner.run(sh("printf o; printf e >&2").withOutputTo(out, err));

    assertEquals(0, exec.stdout().length);
    assertEquals("o", Files.readString(out));
    assertEquals("e", Files.readString(err));
  }

  @Test
  void run_pastItsTimeLimit_getsTerm_thenKillWhenItTrapsTerm() throws Exception {
    // The shell traps TERM and goes on: only KILL, after the grace period, ends it.
    String script =
        "trap 'echo got-term >> events' TERM; echo started > events;"
            + " while :; do sleep 0.05; done";
    long start = System.nanoTime();
    Exec exec = runner.run(sh(script).withTimeLimit(Duration.ofMillis(500)));
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertTrue(exec.timedOut());
    assertEquals(128 + 9, exec.exitCode(), "ended by KILL");
    assertEquals(List.of("started", "got-term"), Files.readAllLines(tmp.resolve("events")));
    assertTrue(millis >= 500 + SystemProcessRunner.GRACE_MILLIS - 100, millis + " ms");
  }

  @Test
  void run_pastItsTimeLimit_endsAtTermWhenItDoesNotTrapIt() throws IOException {
    long start = System.nanoTime();
    Exec exec = runner.run(sh("sleep 600").withTimeLimit(Duration.ofMillis(200)));
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertTrue(exec.timedOut());
    assertEquals(128 + 15, exec.exitCode(), "ended by TERM");
    assertTrue(millis < SystemProcessRunner.GRACE_MILLIS, millis + " ms");
  }

  @Test
  void run_pastItsTimeLimit_stopsItsDescendantsToo() throws Exception {
    Exec exec =
        runner.run(sh("sleep 600 & echo $! > child; wait").withTimeLimit(Duration.ofMillis(300)));

    assertTrue(exec.timedOut());
    long child = Long.parseLong(Files.readString(tmp.resolve("child")).strip());
    assertTrue(gone(child), "the child " + child + " was stopped");
  }

  @Test
  void run_cancelled_stopsTheProcessAndItsChildren_andFails() throws Exception {
    Cancellation cancellation = new Cancellation();
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(() -> {
          try {
            runner.run(
                sh("echo $$ > pids; sleep 600 & echo $! >> pids; wait")
                    .withCancellation(cancellation));
            outcome.complete(null);
          } catch (IOException e) {
            outcome.complete(e);
          }
        });
    List<Long> pids = awaitPids();

    cancellation.cancel();

    assertInstanceOf(
        Cancellation.CancelledException.class, outcome.get(60, TimeUnit.SECONDS), "outcome");
    for (long pid : pids) {
      assertTrue(gone(pid), "process " + pid + " was stopped");
    }
  }

  @Test
  void run_afterCancel_doesNotStartTheProcess() {
    Cancellation cancellation = new Cancellation();
    cancellation.cancel();

    assertThrows(
        Cancellation.CancelledException.class,
        () -> runner.run(sh("echo ran > ran").withCancellation(cancellation)));
    assertFalse(Files.exists(tmp.resolve("ran")));
  }

  @Test
  void run_ofAMissingProgram_failsWithOneLineSayingSo() {
    Path missing = tmp.resolve("no-such-compiler");
    IOException e =
        assertThrows(
            IOException.class, () -> runner.run(Command.of(List.of(missing.toString()), ENV, tmp)));

    assertEquals(
        "cannot run " + missing + " in " + tmp + ": No such file or directory", e.getMessage());
  }

  /** Whether a process has exited (a zombie that init has not reaped yet has). */
  private static boolean gone(long pid) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        char state = stat.charAt(stat.lastIndexOf(')') + 2);
        if (state == 'Z' || state == 'X') {
          return true;
        }
      } catch (IOException e) {
        return true;
      }
      Thread.sleep(20); // KILL is delivered, not yet acted on
    }
    return false;
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
    throw new AssertionError("the slow process did not start");
  }

  /** As ccache gives its prefix command a descriptor for messages that are not output. */
  @Test
  void run_withAnUncachedErrFile_givesTheProcessADescriptorOnIt_namedInUncachedErrFd()
      throws IOException {
    Path notes = tmp.resolve("notes");
    Files.writeString(notes, "");
    Exec exec =
        runner.run(
            Command.of(
                    List.of(
                        "sh",
                        "-c",
                        "echo \"fd=$UNCACHED_ERR_FD\" >&$UNCACHED_ERR_FD; echo out; echo err >&2",
                        "a b"),
                    ENV,
                    tmp)
                .withUncachedErrTo(notes));

    assertEquals(0, exec.exitCode());
    assertEquals("out\n", new String(exec.stdout(), UTF_8));
    assertEquals("err\n", new String(exec.stderr(), UTF_8));
    assertEquals("fd=3\n", Files.readString(notes));
  }

  @Test
  void run_withAnUncachedErrFile_passesEveryWordAsItIs() throws IOException {
    Path notes = tmp.resolve("notes");
    Exec exec =
        runner.run(
            Command.of(List.of("printf", "[%s]", "$HOME", "a b", "*", ""), ENV, tmp)
                .withUncachedErrTo(notes));

    assertEquals("[$HOME][a b][*][]", new String(exec.stdout(), UTF_8));
  }

  @Test
  void run_withAnUncachedErrFile_andAMissingProgram_failsToStart() {
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                runner.run(
                    Command.of(List.of("no-such-program-xyz"), ENV, tmp)
                        .withUncachedErrTo(tmp.resolve("notes"))));
    assertTrue(e.getMessage().contains("no-such-program-xyz"), e.getMessage());
  }
}
