package dev.distcache.remote.report;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The daemon's log, in distccd's line format: {@code distcache-daemon[PID] (where) message}, with
 * distccd's level prefixes ({@code ERROR: }, {@code Warning: }, {@code CRITICAL! }). Lines go to a
 * file or to stderr, never to stdout (which carries the protocol in {@code --inetd} mode).
 * Thread-safe; a line is written and flushed whole. Failures to write are ignored: logging never
 * fails a job.
 */
public final class DaemonLog implements AutoCloseable {
  private final LogLevel threshold;
  private final OutputStream out;
  private final boolean owned;
  private final String tag;

  private DaemonLog(LogLevel threshold, OutputStream out, boolean owned) {
    this.threshold = threshold;
    this.out = out;
    this.owned = owned;
    this.tag = "distcache-daemon[" + ProcessHandle.current().pid() + "] ";
  }

  /** A log appending to {@code file} (created, with its directory, if needed). */
  public static DaemonLog toFile(LogLevel threshold, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return new DaemonLog(threshold, new FileOutputStream(file.toFile(), true), true);
  }

  /** A log on {@code stream} (stderr), which the log does not close. */
  public static DaemonLog to(LogLevel threshold, PrintStream stream) {
    return new DaemonLog(threshold, stream, false);
  }

  boolean enabled(LogLevel level) {
    return level.ordinal() <= threshold.ordinal();
  }

  /**
   * Writes {@code message} when {@code level} is at or above the threshold; {@code where} names the
   * stage.
   */
  public void log(LogLevel level, String where, String message) {
    if (!enabled(level)) {
      return;
    }
    byte[] line =
        (tag + "(" + where + ") " + level.prefix() + message + "\n")
            .getBytes(StandardCharsets.UTF_8);
    synchronized (this) {
      try {
        out.write(line);
        out.flush();
      } catch (IOException e) {
        // Logging never fails a job.
      }
    }
  }

  @Override
  public void close() {
    if (owned) {
      synchronized (this) {
        try {
          out.close();
        } catch (IOException e) {
          // Nothing left to log to.
        }
      }
    }
  }
}
