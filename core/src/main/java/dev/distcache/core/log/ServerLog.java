package dev.distcache.core.log;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The servers' log. Two users, each with its own line {@link Format}:
 *
 * <ul>
 *   <li>the local cache server appends to the {@code log_file} a request's configuration names,
 *       through {@link #log(String, String)} (never to the compiler's stderr);
 *   <li>the remote daemon keeps one log open, to a file or to stderr (never stdout, which carries
 *       the protocol in {@code --inetd} mode), and writes it at a threshold {@link LogLevel}
 *       through {@link #log(LogLevel, String, String)}.
 * </ul>
 *
 * <p>Thread-safe; a line is written and flushed whole. Failures to write are ignored: logging never
 * fails a compile or a job.
 */
public final class ServerLog implements AutoCloseable {
  /** Serializes the local server's appends, which open the file each time. */
  private static final Object LOCK = new Object();

  /** How a line looks. */
  public enum Format {
    /** The local server's: {@code 2026-01-02T03:04:05.678Z [PID] message}. */
    LOCAL,
    /**
     * distccd's: {@code distcache-daemon[PID] (where) message}, with distccd's level prefixes
     * ({@code ERROR: }, {@code Warning: }, {@code CRITICAL! }).
     */
    DISTCCD;

    /** One line, with its newline. */
    String line(LogLevel level, String where, String message) {
      long pid = ProcessHandle.current().pid();
      return switch (this) {
        case LOCAL -> Instant.now() + " [" + pid + "] " + message + "\n";
        case DISTCCD ->
            "distcache-daemon[" + pid + "] (" + where + ") " + level.prefix() + message + "\n";
      };
    }
  }

  private final Format format;
  private final LogLevel threshold;
  private final OutputStream out;
  private final boolean owned;

  private ServerLog(Format format, LogLevel threshold, OutputStream out, boolean owned) {
    this.format = format;
    this.threshold = threshold;
    this.out = out;
    this.owned = owned;
  }

  /** A log appending to {@code file} (created, with its directory, if needed). */
  public static ServerLog toFile(Format format, LogLevel threshold, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return new ServerLog(format, threshold, new FileOutputStream(file.toFile(), true), true);
  }

  /** A log on {@code stream} (stderr), which the log does not close. */
  public static ServerLog to(Format format, LogLevel threshold, PrintStream stream) {
    return new ServerLog(format, threshold, stream, false);
  }

  /**
   * The local server's: writes one line to {@code logFile} when it is set (empty or null: nothing).
   */
  public static void log(String logFile, String message) {
    if (logFile == null || logFile.isEmpty()) {
      return;
    }
    String line = Format.LOCAL.line(LogLevel.NOTICE, "", message);
    synchronized (LOCK) {
      try {
        Files.writeString(
            Path.of(logFile),
            line,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException | RuntimeException e) {
        // Logging must never fail a compile.
      }
    }
  }

  /** Whether a line of {@code level} would be written. */
  public boolean enabled(LogLevel level) {
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
    byte[] line = format.line(level, where, message).getBytes(StandardCharsets.UTF_8);
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
