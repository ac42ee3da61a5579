package dev.distcache.cli.client;

import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * distcache's own messages on the compile path. A wrapper that runs distcache as its prefix (ccache
 * with {@code CCACHE_PREFIX}) names a descriptor in {@code UNCACHED_ERR_FD} for them, so that it
 * does not take them for the compiler's output and cache them; without one, or when it is not open,
 * they go to stderr. Java cannot write to a descriptor by number, so the note opens {@code
 * /proc/self/fd/N} to append (the same pipe, terminal or file). That is the wrapper's descriptor
 * only because bin/distcache drops the variable when N was not open before the JVM started (the
 * JVM's own files could take a free number).
 */
final class Notes {
  private Notes() {}

  static void write(Map<String, String> env, String line) {
    write(env, (line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A warning about the cache itself (no cache directory): written where {@code UNCACHED_ERR_FD}
   * points, or on stderr when that is a terminal, and else not at all, so that the compile's stderr
   * stays the compiler's (configure scripts read a conftest's stderr). As the native client does.
   */
  static void warn(Map<String, String> env, String line) {
    Console console = System.console();
    if (descriptor(env.get("UNCACHED_ERR_FD")) != null
        || (console != null && console.isTerminal())) {
      write(env, line);
    }
  }

  /** Writes whole lines (the server's notes) as they are. */
  static void write(Map<String, String> env, byte[] bytes) {
    Path fd = descriptor(env.get("UNCACHED_ERR_FD"));
    if (fd != null) {
      try (OutputStream out = new FileOutputStream(fd.toFile(), true)) {
        out.write(bytes);
        return;
      } catch (IOException e) {
        // Not writable after all: stderr it is.
      }
    }
    CompileClient.write(FileDescriptor.err, bytes);
  }

  /** {@code /proc/self/fd/N} for a valid, open {@code N} of 2 or more; null otherwise. */
  static Path descriptor(String value) {
    if (value == null || !value.matches("[0-9]{1,9}") || Integer.parseInt(value) < 2) {
      return null;
    }
    Path p = Path.of("/proc/self/fd", value);
    return Files.exists(p) ? p : null;
  }
}
