package dev.distcache.cli.admin;

import dev.distcache.core.config.Values;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.ZoneId;

/**
 * The options that ask the server about its cache or change it: statistics, zeroing, clearing and
 * eviction.
 */
final class CacheCommands {
  private final AdminContext context;
  private final PrintWriter out;

  CacheCommands(AdminContext context, PrintWriter out) {
    this.context = context;
    this.out = out;
  }

  /** {@code -s} at {@code verbosity}, the number of {@code -v} given (ccache's -sv and -svv). */
  void showStats(int verbosity) throws IOException, AdminException {
    out.print(StatsSummary.format(stats(), verbosity, ZoneId.systemDefault()));
  }

  /** {@code --print-stats}: {@code id<TAB>value} lines, or with {@code json} one JSON object. */
  void printStats(String format) throws IOException, AdminException {
    switch (format) {
      case "tab" -> out.print(MachineStats.format(stats()));
      case "json" -> out.print(MachineStats.json(stats()));
      default ->
          throw new AdminException(
              "unknown format \"" + format + "\" for --print-stats (expected tab or json)");
    }
  }

  /** Zeroes the server's counters, or the counters file when no server runs. */
  void zeroStats() throws IOException, AdminException {
    if (context.requestIfRunning("zero") == null && !StoredCounters.zero(context)) {
      context.request("zero"); // a server started in between
    }
    out.println("Statistics zeroed");
  }

  void clear() throws IOException, AdminException {
    context.request("clear");
    out.println("Cleared cache");
  }

  void cleanup() throws IOException, AdminException {
    out.println("Cleaned up cache: " + removed(context.request("cleanup")));
  }

  /**
   * {@code --evict-older-than} and {@code --evict-namespace}: given together, the results that both
   * select, as ccache evicts them; {@code namespace} or {@code seconds} is null when not given.
   */
  void evict(String namespace, Long seconds) throws IOException, AdminException {
    if (namespace == null) {
      String reply = context.request("evict-older-than", Long.toString(seconds));
      out.println("Evicted results unused for " + seconds + " s: " + removed(reply));
    } else if (seconds == null) {
      String reply = context.request("evict-namespace", namespace);
      out.println("Evicted namespace " + namespace + ": " + removed(reply));
    } else {
      String reply = context.request("evict-namespace", namespace, Long.toString(seconds));
      out.println(
          "Evicted namespace "
              + namespace
              + " results unused for "
              + seconds
              + " s: "
              + removed(reply));
    }
  }

  /** The server's counters, or the counters file's when no server runs (none is started). */
  private KeyValues stats() throws IOException, AdminException {
    String reply = context.requestIfRunning("stats");
    return reply == null ? StoredCounters.read(context) : KeyValues.parse(reply);
  }

  private static String removed(String reply) throws AdminException {
    KeyValues removed = KeyValues.parse(reply);
    long files = removed.number("removed_files");
    return "removed "
        + files
        + (files == 1 ? " file" : " files")
        + " ("
        + Values.formatSize(removed.number("removed_bytes"))
        + ")";
  }
}
