package dev.distcache.remote.job;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one compiler process for a job, as distccd does: stdin from /dev/null, stdout and stderr
 * into files of the job's directory (so a chatty compiler costs disk, not memory, until the daemon
 * reads them back within its limit), at the daemon's niceness, killed with everything it started
 * when the job's lifetime ends or the job is cancelled (the client went away).
 *
 * <p>Threads: {@link #run} blocks the job's thread; {@link #cancel} may be called from any other
 * thread, before, during or after the run.
 */
final class CompilerRun {
  /** distcc's exit code for a job that outlived {@code --job-lifetime}. */
  static final int EXIT_TIMEOUT = 118;

  private static final Path NICE = Path.of("/usr/bin/nice");

  /**
   * How a run ended.
   *
   * @param status the wait status: exit code {@code << 8}, or the signal number
   */
  record Result(int status, boolean timedOut, boolean cancelled) {}

  private final Object lock = new Object();
  private Process process;
  private boolean cancelled;

  /**
   * Runs {@code command} in {@code cwd}, stdout and stderr to the given files.
   *
   * @param lifetimeSeconds the most it may run; 0 for no limit
   */
  Result run(
      List<String> command,
      Path cwd,
      Map<String, String> env,
      int nice,
      Path stdout,
      Path stderr,
      int lifetimeSeconds)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    if (nice != 0 && Files.isExecutable(NICE)) {
      cmd.addAll(List.of(NICE.toString(), "-n", Integer.toString(nice)));
    }
    cmd.addAll(command);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(cwd.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p;
    synchronized (lock) {
      if (cancelled) {
        return new Result(0, false, true);
      }
      p = pb.start();
      process = p;
    }
    try {
      if (!exited(p, lifetimeSeconds, TimeUnit.SECONDS)) {
        kill(p);
        return new Result(EXIT_TIMEOUT << 8, true, false);
      }
    } catch (InterruptedException e) {
      kill(p);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.getFirst());
    }
    synchronized (lock) {
      process = null;
      if (cancelled) {
        return new Result(p.exitValue() << 8, false, true);
      }
    }
    int code = p.exitValue();
    // Java reports death by a signal as 128 + the signal; gcc itself never exits above 128.
    return new Result(code > 128 ? code - 128 : code << 8, false, false);
  }

  /**
   * Kills the process (and whatever it started) if it runs; a later {@link #run} does not start.
   */
  void cancel() {
    Process p;
    synchronized (lock) {
      cancelled = true;
      p = process;
    }
    if (p != null) {
      kill(p);
    }
  }

  /**
   * Waits up to the timeout (0: no limit) for the process to exit. Not {@code Process.waitFor}: the
   * job runs on a virtual thread, and before JDK 24 waitFor's Object.wait holds the thread's
   * carrier, so that a few long compiles could stop every other connection; a future's wait
   * releases it.
   */
  private static boolean exited(Process p, long timeout, TimeUnit unit)
      throws InterruptedException {
    try {
      if (timeout > 0) {
        p.onExit().get(timeout, unit);
      } else {
        p.onExit().get();
      }
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the wait for a process failed", e.getCause());
    }
  }

  private static void kill(Process p) {
    // The process first, then what it started: killed the other way round, a shell script gets to
    // run its next command (and write its outputs) in between.
    List<ProcessHandle> started = p.descendants().toList();
    p.destroyForcibly();
    started.forEach(ProcessHandle::destroyForcibly);
    try {
      exited(p, 10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
