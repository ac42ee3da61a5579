package dev.distcache.core.process;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs a command to completion and returns how it ended. Every process distcache runs for a compile
 * (the local server's preprocessor and compiler, the farm's helpers, the daemon's compiler) goes
 * through one of these, so they all stop the same way: on a time limit or a {@link Cancellation},
 * TERM to the process and its descendants, up to {@value SystemProcessRunner#GRACE_MILLIS} ms for
 * it to exit, then KILL to what is left.
 *
 * <p>Injected through constructors so that a unit test can give a fake; the real one is {@link
 * #system()}. Implementations are thread-safe.
 */
public interface ProcessRunner {
  /**
   * Runs {@code command}.
   *
   * @throws Cancellation.CancelledException when its cancellation stopped it (or was already in
   *     force: then it does not start)
   * @throws IOException when it cannot be started (a missing program: one line saying so) or its
   *     output cannot be read
   */
  Exec run(Command command) throws IOException;

  /**
   * Runs {@code argv} with stdin from /dev/null, no time limit, under the cancellation in force on
   * this thread.
   */
  default Exec run(List<String> argv, Map<String, String> env, Path cwd) throws IOException {
    return run(Command.of(argv, env, cwd));
  }

  /** The runner that starts real processes. */
  static ProcessRunner system() {
    return SystemProcessRunner.INSTANCE;
  }

  /**
   * How a process ended.
   *
   * @param exitCode its exit code, 128 + the signal when a signal ended it
   * @param stdout what it wrote to stdout (empty when that went to a file)
   * @param stderr what it wrote to stderr (empty when that went to a file)
   * @param timedOut it outlived its time limit and was stopped
   */
  record Exec(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {
    /** A process that ended by itself. */
    public Exec(int exitCode, byte[] stdout, byte[] stderr) {
      this(exitCode, stdout, stderr, false);
    }
  }
}
