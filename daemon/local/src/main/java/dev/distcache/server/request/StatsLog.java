package dev.distcache.server.request;

import dev.distcache.core.args.Language;
import dev.distcache.core.stats.Counter;
import dev.distcache.server.outputs.OutputFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ccache's {@code stats_log}: each compile appends a {@code # <input file>} line and the ids of the
 * counters it changed, one line per increment, sorted, so that {@code --show-log-stats} can sum one
 * build's counts. Appends from the server's request threads are serialised; the file is created
 * with mode 0666 less the umask ccache would have then (the configured {@code umask}, else the
 * client's). Writing it never fails a compile.
 */
public final class StatsLog {
  private static final Object LOCK = new Object();

  private StatsLog() {}

  /**
   * Appends one compile's {@code changes} to {@code file}; nothing when it changed no counter.
   *
   * @param input the source file as the command line names it, empty when there is none
   * @param umask the umask the file is created with
   */
  public static void append(Path file, String input, Map<Counter, Long> changes, int umask) {
    if (changes.isEmpty()) {
      return;
    }
    List<String> ids = new ArrayList<>();
    changes.forEach((c, n) -> {
      for (long i = 0; i < n; i++) {
        ids.add(c.id());
      }
    });
    ids.sort(null);
    StringBuilder text = new StringBuilder("# ").append(input).append('\n');
    ids.forEach(id -> text.append(id).append('\n'));
    synchronized (LOCK) {
      try {
        create(file, umask);
        Files.writeString(
            file,
            text,
            StandardCharsets.UTF_8,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
      } catch (IOException | RuntimeException e) {
        // As in ccache: a stats log that cannot be written is skipped.
      }
    }
  }

  /**
   * The input file as ccache's log names it: the first argument after the compiler that is not an
   * option and names a source by its extension ({@code a.c}, {@code ../src/b.cpp}); empty when
   * there is none.
   */
  public static String inputOf(List<String> argv) {
    for (int i = 1; i < argv.size(); i++) {
      String a = argv.get(i);
      if (!a.startsWith("-") && Language.forFileName(a, false) != null) {
        return a;
      }
    }
    return "";
  }

  private static void create(Path file, int umask) throws IOException {
    try {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      return;
    }
    // The server's own umask applied at creation; the mode is the one the compile's umask gives.
    Files.setPosixFilePermissions(file, OutputFiles.permissions(umask));
  }
}
