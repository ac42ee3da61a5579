package dev.distcache.core.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Appends lines to the {@code log_file} a request's configuration names; never to the compiler's
 * stderr.
 */
public final class ServerLog {
  private static final Object LOCK = new Object();

  private ServerLog() {}

  /** Writes one line when {@code logFile} is set; failures to log are ignored. */
  public static void log(String logFile, String message) {
    if (logFile == null || logFile.isEmpty()) {
      return;
    }
    String line = Instant.now() + " [" + ProcessHandle.current().pid() + "] " + message + "\n";
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
}
