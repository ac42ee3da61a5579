package dev.distcache.cli.admin;

import dev.distcache.cli.admin.TextTable.Cell;
import dev.distcache.core.config.Values;
import dev.distcache.core.stats.Counter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Formats the server's counters the way ccache 4's {@code -s} (and {@code -sv}) shows them. */
final class StatsSummary {
  private StatsSummary() {}

  static String format(KeyValues stats, boolean verbose) throws AdminException {
    long directHits = stats.count(Counter.DIRECT_CACHE_HIT);
    long preprocessedHits = stats.count(Counter.PREPROCESSED_CACHE_HIT);
    long hits = directHits + preprocessedHits;
    long misses = stats.count(Counter.CACHE_MISS);
    long uncacheable = stats.sum(Counter.Kind.UNCACHEABLE);
    long errors = stats.sum(Counter.Kind.ERROR);
    long total = hits + misses + uncacheable + errors;

    TextTable table = new TextTable();
    if (total > 0) {
      ratio(table, "Cacheable calls:", hits + misses, total);
      ratio(table, "  Hits:", hits, hits + misses);
      ratio(table, "    Direct:", directHits, hits);
      ratio(table, "    Preprocessed:", preprocessedHits, hits);
      ratio(table, "  Misses:", misses, hits + misses);
    }
    if (uncacheable > 0) {
      ratio(table, "Uncacheable calls:", uncacheable, total);
      if (verbose) {
        details(table, stats, Counter.Kind.UNCACHEABLE, uncacheable);
      }
    }
    if (errors > 0) {
      ratio(table, "Errors:", errors, total);
      if (verbose) {
        details(table, stats, Counter.Kind.ERROR, errors);
      }
    }
    if (total > 0 && verbose) {
      table.heading("Successful lookups:");
      ratio(table, "  Direct:", directHits, directHits + stats.count(Counter.DIRECT_CACHE_MISS));
      ratio(
          table,
          "  Preprocessed:",
          preprocessedHits,
          preprocessedHits + stats.count(Counter.PREPROCESSED_CACHE_MISS));
    }
    localStorage(table, stats, verbose);
    return table.render() + configNotes(stats);
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

  private static void localStorage(TextTable table, KeyValues stats, boolean verbose)
      throws AdminException {
    table.heading("Local storage:");
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
    long files = stats.number("files_in_cache");
    long maxFiles = stats.number("max_files");
    if (maxFiles > 0) {
      ratio(table, "  Files:", files, maxFiles);
    } else {
      table.row(Cell.text("  Files:"), Cell.number(files));
    }
    long localHits = stats.count(Counter.LOCAL_STORAGE_HIT);
    long localMisses = stats.count(Counter.LOCAL_STORAGE_MISS);
    if (verbose || localHits + localMisses > 0) {
      ratio(table, "  Hits:", localHits, localHits + localMisses);
      ratio(table, "  Misses:", localMisses, localHits + localMisses);
    }
    if (verbose) {
      table.row(
          Cell.text("  Reads:"),
          Cell.number(
              stats.count(Counter.LOCAL_STORAGE_READ_HIT)
                  + stats.count(Counter.LOCAL_STORAGE_READ_MISS)));
      table.row(Cell.text("  Writes:"), Cell.number(stats.count(Counter.LOCAL_STORAGE_WRITE)));
    }
    long writeFailures = stats.count(Counter.LOCAL_STORAGE_WRITE_FAILED);
    if (verbose || writeFailures > 0) {
      table.row(Cell.text("  Write failures:"), Cell.number(writeFailures));
    }
    if (stats.count(Counter.STORE_MOVED_ASIDE) > 0) {
      table.row(
          Cell.text("  Damaged stores moved aside:"),
          Cell.number(stats.count(Counter.STORE_MOVED_ASIDE)));
    }
    String brokenStore = stats.text("store_moved_aside_to");
    if (!brokenStore.equals("?")) {
      table.row(Cell.text("  Damaged store kept in:"), Cell.text(brokenStore));
    }
  }

  /** One indented row per nonzero counter of the kind, sorted by description. */
  private static void details(TextTable table, KeyValues stats, Counter.Kind kind, long sum)
      throws AdminException {
    List<Counter> nonzero = new ArrayList<>();
    for (Counter c : Counter.values()) {
      if (c.kind() == kind && stats.count(c) > 0) {
        nonzero.add(c);
      }
    }
    nonzero.sort(Comparator.comparing(Counter::description));
    for (Counter c : nonzero) {
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

  /** ccache's percentage: two decimals in eight characters, one decimal when 100% would not fit. */
  static String percent(long numerator, long denominator) {
    double p = 100.0 * numerator / denominator;
    String two = String.format(Locale.ROOT, "(%5.2f%%)", p);
    return two.length() <= 8 ? two : String.format(Locale.ROOT, "(%5.1f%%)", p);
  }
}
