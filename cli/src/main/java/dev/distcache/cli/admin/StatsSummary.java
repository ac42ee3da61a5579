package dev.distcache.cli.admin;

import dev.distcache.cli.admin.TextTable.Cell;
import dev.distcache.core.config.Values;
import dev.distcache.core.stats.Counter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Formats the server's counters the way ccache 4.7.5's {@code -s} shows them, at its three
 * verbosity levels: {@code -s} (0), {@code -sv} (1: where the cache is, when the counters changed,
 * every nonzero uncacheable and error counter, lookups, storage reads and writes) and {@code -svv}
 * (2: every counter, zeros included, and every section). distcache's own rows (write failures, a
 * damaged store, the farm) follow ccache's rule: shown when nonzero, or at level 2.
 */
final class StatsSummary {
  /** strftime's {@code %c} in the C locale, as ccache prints its timestamps. */
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

  private StatsSummary() {}

  /** The summary at {@code verbosity} (the number of {@code -v}), timestamps in {@code zone}. */
  static String format(KeyValues stats, int verbosity, ZoneId zone) throws AdminException {
    return format(stats, verbosity, zone, true);
  }

  /**
   * Without {@code withStore} (the counters of the stats log, {@code --show-log-stats}), the
   * store's size and files are left out, as ccache shows them.
   */
  static String format(KeyValues stats, int verbosity, ZoneId zone, boolean withStore)
      throws AdminException {
    long directHits = stats.count(Counter.DIRECT_CACHE_HIT);
    long preprocessedHits = stats.count(Counter.PREPROCESSED_CACHE_HIT);
    long hits = directHits + preprocessedHits;
    long misses = stats.count(Counter.CACHE_MISS);
    long uncacheable = stats.sum(Counter.Kind.UNCACHEABLE);
    long errors = stats.sum(Counter.Kind.ERROR);
    long total = hits + misses + uncacheable + errors;

    TextTable table = new TextTable();
    if (verbosity > 0) {
      table.wideRow("Cache directory:", stats.text("cache_dir"));
      table.wideRow("Config file:", stats.text("config_file"));
      // distcache reads no system-wide file; the row keeps ccache's layout.
      table.wideRow("System config file:", "none");
      table.wideRow(
          "Stats updated:", timestamp(stats.count(Counter.STATS_UPDATED_TIMESTAMP), zone));
      if (verbosity > 1) {
        table.wideRow(
            "Stats zeroed:", timestamp(stats.count(Counter.STATS_ZEROED_TIMESTAMP), zone));
      }
    }
    if (total > 0 || verbosity > 1) {
      ratio(table, "Cacheable calls:", hits + misses, total);
      ratio(table, "  Hits:", hits, hits + misses);
      ratio(table, "    Direct:", directHits, hits);
      ratio(table, "    Preprocessed:", preprocessedHits, hits);
      ratio(table, "  Misses:", misses, hits + misses);
    }
    if (uncacheable > 0 || verbosity > 1) {
      ratio(table, "Uncacheable calls:", uncacheable, total);
      if (verbosity > 0) {
        details(table, stats, Counter.Kind.UNCACHEABLE, uncacheable, verbosity > 1);
      }
    }
    if (errors > 0 || verbosity > 1) {
      ratio(table, "Errors:", errors, total);
      if (verbosity > 0) {
        details(table, stats, Counter.Kind.ERROR, errors, verbosity > 1);
      }
    }
    if (total > 0 && verbosity > 0) {
      table.heading("Successful lookups:");
      ratio(table, "  Direct:", directHits, directHits + stats.count(Counter.DIRECT_CACHE_MISS));
      ratio(
          table,
          "  Preprocessed:",
          preprocessedHits,
          preprocessedHits + stats.count(Counter.PREPROCESSED_CACHE_MISS));
    }
    localStorage(table, stats, verbosity, withStore);
    remoteStorage(table, stats, verbosity);
    farm(table, stats, verbosity);
    return table.render() + configNotes(stats);
  }

  /** ccache's "never" for a timestamp of 0, else strftime's {@code %c}. */
  static String timestamp(long epochSeconds, ZoneId zone) {
    return epochSeconds == 0
        ? "never"
        : TIMESTAMP.format(Instant.ofEpochSecond(epochSeconds).atZone(zone));
  }

  /**
   * The server's configuration problems ({@code config_note_N}), after the table; empty when none.
   */
  private static String configNotes(KeyValues stats) {
    StringBuilder out = new StringBuilder();
    for (int n = 1; stats.values().containsKey("config_note_" + n); n++) {
      if (n == 1) {
        out.append("Configuration notes:\n");
      }
      out.append("  ").append(stats.text("config_note_" + n)).append('\n');
    }
    return out.toString();
  }

  private static void localStorage(
      TextTable table, KeyValues stats, int verbosity, boolean withStore) throws AdminException {
    table.heading("Local storage:");
    if (withStore) {
      storeSize(table, stats, verbosity);
    }
    long cleanups = stats.count(Counter.CLEANUPS_PERFORMED);
    if (cleanups > 0 || verbosity > 1) {
      table.row(Cell.text("  Cleanups:"), Cell.number(cleanups));
    }
    localHitsAndWrites(table, stats, verbosity);
  }

  private static void storeSize(TextTable table, KeyValues stats, int verbosity)
      throws AdminException {
    long size = stats.number("cache_size_bytes");
    long maxSize = stats.number("max_size");
    Cell sizeCell = Cell.number(Values.formatGigabytes(size));
    if (maxSize > 0) {
      table.row(
          Cell.text("  Cache size (GB):"),
          sizeCell,
          Cell.text("/"),
          Cell.number(Values.formatGigabytes(maxSize)),
          Cell.text(percent(size, maxSize)));
    } else {
      table.row(Cell.text("  Cache size (GB):"), sizeCell);
    }
    if (verbosity > 0) {
      long files = stats.number("files_in_cache");
      long maxFiles = stats.number("max_files");
      if (maxFiles > 0) {
        ratio(table, "  Files:", files, maxFiles);
      } else {
        table.row(Cell.text("  Files:"), Cell.number(files));
      }
    }
  }

  private static void localHitsAndWrites(TextTable table, KeyValues stats, int verbosity)
      throws AdminException {
    long localHits = stats.count(Counter.LOCAL_STORAGE_HIT);
    long localMisses = stats.count(Counter.LOCAL_STORAGE_MISS);
    if (verbosity > 0
        || stats.count(Counter.REMOTE_STORAGE_HIT) + stats.count(Counter.REMOTE_STORAGE_MISS) > 0) {
      ratio(table, "  Hits:", localHits, localHits + localMisses);
      ratio(table, "  Misses:", localMisses, localHits + localMisses);
    }
    if (verbosity > 0) {
      table.row(
          Cell.text("  Reads:"),
          Cell.number(
              stats.count(Counter.LOCAL_STORAGE_READ_HIT)
                  + stats.count(Counter.LOCAL_STORAGE_READ_MISS)));
      table.row(Cell.text("  Writes:"), Cell.number(stats.count(Counter.LOCAL_STORAGE_WRITE)));
    }
    shownIfNonzero(
        table, "  Write failures:", stats.count(Counter.LOCAL_STORAGE_WRITE_FAILED), verbosity);
    shownIfNonzero(
        table, "  Damaged stores moved aside:", stats.count(Counter.STORE_MOVED_ASIDE), verbosity);
    String brokenStore = stats.text("store_moved_aside_to");
    if (!brokenStore.equals("?")) {
      table.row(Cell.text("  Damaged store kept in:"), Cell.text(brokenStore));
    }
  }

  /** ccache's section for the tiers after the local store. */
  private static void remoteStorage(TextTable table, KeyValues stats, int verbosity)
      throws AdminException {
    long hits = stats.count(Counter.REMOTE_STORAGE_HIT);
    long misses = stats.count(Counter.REMOTE_STORAGE_MISS);
    long errors = stats.count(Counter.REMOTE_STORAGE_ERROR);
    long timeouts = stats.count(Counter.REMOTE_STORAGE_TIMEOUT);
    if (verbosity < 2 && hits + misses + errors + timeouts == 0) {
      return;
    }
    table.heading("Remote storage:");
    ratio(table, "  Hits:", hits, hits + misses);
    ratio(table, "  Misses:", misses, hits + misses);
    if (verbosity > 0) {
      table.row(
          Cell.text("  Reads:"),
          Cell.number(
              stats.count(Counter.REMOTE_STORAGE_READ_HIT)
                  + stats.count(Counter.REMOTE_STORAGE_READ_MISS)));
      table.row(Cell.text("  Writes:"), Cell.number(stats.count(Counter.REMOTE_STORAGE_WRITE)));
    }
    shownIfNonzero(table, "  Errors:", errors, verbosity);
    shownIfNonzero(table, "  Timeouts:", timeouts, verbosity);
  }

  /**
   * distcache's section for the compile farm, in ccache's style: shown when a miss went to the farm
   * or a host failed, and at level 2; its failure rows when nonzero, or at level 2.
   */
  private static void farm(TextTable table, KeyValues stats, int verbosity) throws AdminException {
    long compiled = stats.count(Counter.REMOTE_COMPILE);
    long compileErrors = stats.count(Counter.REMOTE_COMPILE_ERROR);
    long unreachable = stats.count(Counter.REMOTE_HOST_UNREACHABLE);
    long failed = stats.count(Counter.REMOTE_JOB_FAILED);
    if (verbosity < 2 && compiled + compileErrors + unreachable + failed == 0) {
      return;
    }
    table.heading("Remote compiles:");
    table.row(Cell.text("  Compiled remotely:"), Cell.number(compiled));
    shownIfNonzero(table, "  Compile errors:", compileErrors, verbosity);
    shownIfNonzero(table, "  Hosts unreachable:", unreachable, verbosity);
    shownIfNonzero(table, "  Jobs failed:", failed, verbosity);
  }

  /** A row "label n" when n is nonzero or at level 2, as ccache shows its error rows. */
  private static void shownIfNonzero(TextTable table, String label, long n, int verbosity) {
    if (n > 0 || verbosity > 1) {
      table.row(Cell.text(label), Cell.number(n));
    }
  }

  /**
   * One indented row per counter of the kind, sorted by description: the nonzero ones, or all of
   * them.
   */
  private static void details(
      TextTable table, KeyValues stats, Counter.Kind kind, long sum, boolean all)
      throws AdminException {
    List<Counter> listed = new ArrayList<>();
    for (Counter c : Counter.values()) {
      if (c.kind() == kind && (all || stats.count(c) > 0)) {
        listed.add(c);
      }
    }
    listed.sort(Comparator.comparing(Counter::description));
    for (Counter c : listed) {
      ratio(table, "  " + c.description() + ":", stats.count(c), sum);
    }
  }

  /** A row "label n / d (p%)", or just "label n" when d is zero. */
  private static void ratio(TextTable table, String label, long numerator, long denominator) {
    if (denominator > 0) {
      table.row(
          Cell.text(label),
          Cell.number(numerator),
          Cell.text("/"),
          Cell.number(denominator),
          Cell.text(percent(numerator, denominator)));
    } else {
      table.row(Cell.text(label), Cell.number(numerator));
    }
  }

  /** ccache's percentage: two decimals, one when the numerator reaches the denominator. */
  static String percent(long numerator, long denominator) {
    double p = 100.0 * numerator / denominator;
    return String.format(Locale.ROOT, numerator >= denominator ? "(%5.1f%%)" : "(%5.2f%%)", p);
  }
}
