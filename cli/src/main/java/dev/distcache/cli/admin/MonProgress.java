package dev.distcache.cli.admin;

import dev.distcache.core.stats.Counter;
import java.util.Locale;

/**
 * The head of each screen of {@code distcache mon DELAY}: what the build did since mon started,
 * from two readings of the counters, and the server's {@code progress} answer (requests running
 * now, the slowest since then). Two lines, so the screen stays one screen:
 *
 * <pre>
 * done 42: 30 hits (71.4%), 12 misses, 0 not cacheable; running 2
 * slowest: 2.31 s src/big.c (miss, local), 0.91 s src/b.c (miss, local)
 * </pre>
 */
final class MonProgress {
  private MonProgress() {}

  static String format(KeyValues before, KeyValues now, String progress) throws AdminException {
    long hits =
        delta(before, now, Counter.DIRECT_CACHE_HIT)
            + delta(before, now, Counter.PREPROCESSED_CACHE_HIT);
    long misses = delta(before, now, Counter.CACHE_MISS);
    long uncacheable =
        now.sum(Counter.Kind.UNCACHEABLE)
            - before.sum(Counter.Kind.UNCACHEABLE)
            + now.sum(Counter.Kind.ERROR)
            - before.sum(Counter.Kind.ERROR);
    long done = hits + misses + uncacheable;
    String running = "0";
    StringBuilder slow = new StringBuilder();
    for (String line : progress.split("\n")) {
      String[] f = line.split("\t", 5);
      if (f[0].equals("running") && f.length == 2) {
        running = f[1];
      } else if (f[0].equals("slow") && f.length == 5) {
        slow.append(slow.isEmpty() ? "" : ", ")
            .append(String.format(Locale.ROOT, "%.2f s", Long.parseLong(f[1]) / 1000.0))
            .append(' ')
            .append(f[4])
            .append(" (")
            .append(f[2])
            .append(", ")
            .append(f[3])
            .append(')');
      }
    }
    String rate =
        hits + misses == 0
            ? "-"
            : String.format(Locale.ROOT, "%.1f%%", 100.0 * hits / (hits + misses));
    return "done "
        + done
        + ": "
        + hits
        + (hits == 1 ? " hit (" : " hits (")
        + rate
        + "), "
        + misses
        + (misses == 1 ? " miss, " : " misses, ")
        + uncacheable
        + " not cacheable; running "
        + running
        + "\n"
        + "slowest: "
        + (slow.isEmpty() ? "-" : slow)
        + "\n";
  }

  private static long delta(KeyValues before, KeyValues now, Counter c) throws AdminException {
    return now.count(c) - before.count(c);
  }
}
