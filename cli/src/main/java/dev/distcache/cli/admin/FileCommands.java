package dev.distcache.cli.admin;

import dev.distcache.core.config.ConfigKey;
import dev.distcache.core.config.Values;
import dev.distcache.core.stats.Counter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ccache's options about files and the store's format: hashing a file, the stats log, compression,
 * and one stored result's contents.
 */
final class FileCommands {
  private final AdminContext context;
  private final PrintWriter out;
  private final InputStream stdin;

  FileCommands(AdminContext context, PrintWriter out) {
    this(context, out, System.in);
  }

  FileCommands(AdminContext context, PrintWriter out, InputStream stdin) {
    this.context = context;
    this.out = out;
    this.stdin = stdin;
  }

  /**
   * {@code --hash-file} and {@code --checksum-file}: the BLAKE3 of the file's bytes in hex, as
   * distcache's keys use it and its entries' checksums are made. The server hashes it (this client
   * has no BLAKE3: cli depends on core only); {@code -} is stdin, copied to a file for it first.
   */
  void hashFile(String path) throws IOException, AdminException {
    if (!path.equals("-")) {
      Path file = Path.of(path).toAbsolutePath();
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new AdminException(
            "failed to hash "
                + path
                + ": "
                + (Files.exists(file) ? "not a readable file" : "No such file or directory"));
      }
      out.print(context.request("hash-file", file.toString()));
      return;
    }
    Files.createDirectories(context.layout().cacheDir());
    Path copy = Files.createTempFile(context.layout().cacheDir(), "stdin.", ".tmp");
    try {
      Files.copy(stdin, copy, StandardCopyOption.REPLACE_EXISTING);
      out.print(context.request("hash-file", copy.toString()));
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  /**
   * {@code --show-log-stats}: the counters that the {@code stats_log} file lists (one id a line,
   * {@code #} lines naming the source) summed and shown as {@code -s} shows them, without the
   * store's size.
   */
  void showLogStats(int verbosity) throws IOException, AdminException {
    ConfigKey key = ConfigKey.byKey("stats_log");
    String log = key == null ? "" : context.config().get(key);
    if (log == null || log.isEmpty()) {
      throw new AdminException("No stats log has been configured");
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of(log), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      lines = List.of();
    }
    Map<Counter, Long> counts = new EnumMap<>(Counter.class);
    for (String line : lines) {
      Counter c = line.startsWith("#") ? null : Counter.byId(line.strip());
      if (c != null) {
        counts.merge(c, 1L, Long::sum);
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    counts.forEach((c, n) -> values.put(c.id(), Long.toString(n)));
    out.print(StatsSummary.format(new KeyValues(values), verbosity, ZoneId.systemDefault(), false));
  }

  /**
   * {@code -x}: the store's entries are LZ4 blocks; their uncompressed sizes are not kept, so only
   * the total is shown, with the method.
   */
  void showCompression() throws IOException, AdminException {
    String reply = context.requestIfRunning("stats");
    KeyValues stats = reply == null ? StoredCounters.read(context) : KeyValues.parse(reply);
    out.println("Compression:   LZ4, one level (compression_level does not apply)");
    out.println("Total data:    " + Values.formatSize(stats.number("cache_size_bytes")));
    out.println("Original size: not recorded by distcache's store");
  }

  /** {@code -X}: checks LEVEL as ccache does; LZ4 has no levels to move between. */
  void recompress(String level) throws AdminException {
    if (!level.equals("uncompressed")) {
      try {
        int n = Integer.parseInt(level);
        if (n < -128 || n > 127) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new AdminException(
            "invalid compression level \"" + level + "\" (expected -128 to 127 or uncompressed)");
      }
    }
    out.println(
        "Nothing to recompress: distcache stores every result LZ4-compressed at its one level");
  }

  /** {@code --inspect KEY}: what the server finds stored under the result key. */
  void inspect(String key) throws IOException, AdminException {
    out.print(context.request("inspect", resultKey("--inspect", key)));
  }

  /**
   * {@code --extract-result KEY}: the server writes the result's files into the current directory,
   * named as ccache names them ({@code ccache-result.o}, {@code ccache-result.stderr}, ...).
   */
  void extractResult(String key) throws IOException, AdminException {
    context.request("extract-result", resultKey("--extract-result", key));
  }

  /**
   * The result key {@code arg} names, in lower case. ccache takes a cache file's path here;
   * distcache has none, so a path is refused naming what to pass.
   */
  private static String resultKey(String option, String arg) throws AdminException {
    if (arg.matches("[0-9a-fA-F]{64}")) {
      return arg.toLowerCase(Locale.ROOT);
    }
    throw new AdminException(
        option
            + " "
            + arg
            + ": distcache keeps its results in one database (RocksDB), not in cache files;"
            + " pass a result key instead (64 hex digits: the KEY of a \"stored KEY SOURCE\" line"
            + " of log_file)");
  }
}
