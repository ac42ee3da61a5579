package dev.distcache.core.process;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One process to run: its argv (argv[0] the program), directory and whole environment, what it
 * reads on stdin, how long it may run, who may cancel it, and where its output goes.
 *
 * @param stdin the bytes it reads, or null for /dev/null
 * @param timeLimit the most it may run, or null for no limit
 * @param cancellation what may stop it, or null for the {@link Cancellation} in force on the
 *     running thread (if any)
 * @param stdoutFile where stdout goes instead of the result (so a chatty program costs disk, not
 *     memory), or null to capture it
 * @param stderrFile the same for stderr
 * @param uncachedErrFile where the process may write messages that are not its output, or null: the
 *     process gets descriptor {@value #UNCACHED_ERR_FD} open for appending to this file and {@code
 *     UNCACHED_ERR_FD} naming it, as ccache gives its prefix command and compiler a descriptor on
 *     its own stderr
 * @param stdoutCopy where the captured stdout also goes, chunk by chunk as it is read, or null:
 *     work on the output (hashing it) then runs while the process still writes
 */
public record Command(
    List<String> argv,
    Path cwd,
    Map<String, String> env,
    byte[] stdin,
    Duration timeLimit,
    Cancellation cancellation,
    Path stdoutFile,
    Path stderrFile,
    Path uncachedErrFile,
    OutputStream stdoutCopy) {
  /** The descriptor a process run with an {@link #uncachedErrFile} finds it on. */
  public static final int UNCACHED_ERR_FD = 3;

  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs a program, argv is empty");
    }
    env = Map.copyOf(env);
    if (timeLimit != null && (timeLimit.isNegative() || timeLimit.isZero())) {
      throw new IllegalArgumentException("timeLimit (" + timeLimit + ") must be positive");
    }
  }

  /** {@code argv} with stdin from /dev/null, no time limit, output captured. */
  public static Command of(List<String> argv, Map<String, String> env, Path cwd) {
    return new Command(argv, cwd, env, null, null, null, null, null, null, null);
  }

  public Command withStdin(byte[] bytes) {
    return withRun(bytes.clone(), timeLimit, cancellation);
  }

  /** This command stopped after {@code limit}; null for no limit. */
  public Command withTimeLimit(Duration limit) {
    return withRun(stdin, limit, cancellation);
  }

  public Command withCancellation(Cancellation c) {
    return withRun(stdin, timeLimit, c);
  }

  /** This command with stdout and stderr written to files rather than captured. */
  public Command withOutputTo(Path stdout, Path stderr) {
    return withOutputs(stdout, stderr, uncachedErrFile, stdoutCopy);
  }

  /** This command with its uncached messages going to {@code file} (see {@link Command}). */
  public Command withUncachedErrTo(Path file) {
    return withOutputs(stdoutFile, stderrFile, file, stdoutCopy);
  }

  /**
   * This command with its stdout, still captured, also written to {@code copy} as it is read, on
   * the thread that reads it. An exception from {@code copy} fails the run as a read error would.
   */
  public Command withStdoutCopy(OutputStream copy) {
    return withOutputs(stdoutFile, stderrFile, uncachedErrFile, copy);
  }

  private Command withRun(byte[] in, Duration limit, Cancellation c) {
    return new Command(
        argv, cwd, env, in, limit, c, stdoutFile, stderrFile, uncachedErrFile, stdoutCopy);
  }

  private Command withOutputs(Path out, Path err, Path uncachedErr, OutputStream copy) {
    return new Command(argv, cwd, env, stdin, timeLimit, cancellation, out, err, uncachedErr, copy);
  }

  /** The program, for messages. */
  String program() {
    return argv.getFirst();
  }
}
