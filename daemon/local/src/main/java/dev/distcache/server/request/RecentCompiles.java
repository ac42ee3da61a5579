package dev.distcache.server.request;

import dev.distcache.core.stats.Counter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last compile requests the server answered, and how many ended in each of the last minutes'
 * seconds, for the web monitor. Fed once per request, on the compile path, so a request costs one
 * slot write and one counter increment (no lock, no I/O); what the request was (its file and which
 * tier answered) is worked out only when the monitor reads it. Readers may see a slot being
 * replaced; the monitor shows a picture, not an account.
 */
public final class RecentCompiles {
  /** Compiles kept for the list. */
  public static final int SIZE = 64;

  /** Seconds kept for the compiles-per-second chart. */
  public static final int SECONDS = 300;

  private final AtomicReferenceArray<Done> ring = new AtomicReferenceArray<>(SIZE);
  private final AtomicLong written = new AtomicLong();
  private final AtomicLongArray perSecond = new AtomicLongArray(SECONDS);
  private final AtomicLongArray secondOf = new AtomicLongArray(SECONDS);
  private final AtomicInteger running = new AtomicInteger();

  /**
   * Upper bounds in milliseconds of the buckets of every request's duration since the server
   * started ({@code /metrics}' histogram); a last bucket, +Inf, takes the rest.
   */
  public static final long[] DURATION_BOUNDS_MILLIS = {
    1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000
  };

  private final AtomicLongArray durations = new AtomicLongArray(DURATION_BOUNDS_MILLIS.length + 1);
  private final AtomicLong durationMillisSum = new AtomicLong();

  /**
   * One finished request: its argv (the client's, never copied), the counters it moved, when it
   * ended (epoch milliseconds) and how long it took.
   */
  record Done(List<String> argv, Stats stats, long endMillis, long millis) {}

  /** What the monitor shows of one finished request. */
  public record Compile(String file, boolean hit, String tier, long endMillis, long millis) {}

  /** A request began; {@link #record} ends it. */
  public void started() {
    running.incrementAndGet();
  }

  /** Requests begun and not yet ended. */
  public int running() {
    return running.get();
  }

  /**
   * The slowest of the kept compiles (hits and misses; not links and other calls the cache does not
   * take) that ended at or after {@code sinceMillis}, slowest first, at most {@code n} ({@code
   * distcache mon}'s progress).
   */
  public List<Compile> slowest(long sinceMillis, int n) {
    return last(SIZE).stream()
        .filter(c -> c.endMillis() >= sinceMillis && (c.hit() || !c.tier().startsWith("not")))
        .sorted(Comparator.comparingLong(Compile::millis).reversed())
        .limit(n)
        .toList();
  }

  /** Records a request that just ended. */
  public void record(List<String> argv, Stats stats, long endMillis, long millis) {
    running.decrementAndGet();
    int bucket = 0;
    while (bucket < DURATION_BOUNDS_MILLIS.length && millis > DURATION_BOUNDS_MILLIS[bucket]) {
      bucket++;
    }
    durations.incrementAndGet(bucket);
    durationMillisSum.addAndGet(Math.max(0, millis));
    ring.set((int) (written.getAndIncrement() % SIZE), new Done(argv, stats, endMillis, millis));
    long second = endMillis / 1000;
    int i = (int) (second % SECONDS);
    if (secondOf.get(i) != second) {
      // A new second in this slot: two requests racing here may lose one count, which the chart
      // can bear.
      secondOf.set(i, second);
      perSecond.set(i, 0);
    }
    perSecond.incrementAndGet(i);
  }

  /** Requests per duration bucket ({@link #DURATION_BOUNDS_MILLIS}, then +Inf), not cumulative. */
  public long[] durations() {
    long[] out = new long[durations.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = durations.get(i);
    }
    return out;
  }

  /** The sum of every request's duration, in milliseconds. */
  public long durationMillisSum() {
    return durationMillisSum.get();
  }

  /** The last {@code n} requests, newest first. */
  public List<Compile> last(int n) {
    List<Compile> out = new ArrayList<>();
    long end = written.get();
    for (long k = end - 1; k >= Math.max(0, end - Math.min(n, SIZE)); k--) {
      Done d = ring.get((int) (k % SIZE));
      if (d != null) {
        out.add(describe(d));
      }
    }
    return out;
  }

  /**
   * Requests ended in each of the {@code seconds} whole seconds before {@code nowMillis}, oldest
   * first.
   */
  public long[] perSecond(long nowMillis, int seconds) {
    int n = Math.min(seconds, SECONDS - 1);
    long now = nowMillis / 1000;
    long[] out = new long[n];
    for (int k = 0; k < n; k++) {
      long second = now - n + k;
      int i = (int) (second % SECONDS);
      out[k] = secondOf.get(i) == second ? perSecond.get(i) : 0;
    }
    return out;
  }

  /** Which tier answered, read from the request's counts: the order a compile asks them in. */
  static Compile describe(Done d) {
    String file = StatsLog.inputOf(d.argv());
    Stats s = d.stats();
    String tier;
    boolean hit = false;
    if (s.counted(Counter.REMOTE_STORAGE_HIT)) {
      tier = "remote-storage";
      hit = true;
    } else if (s.counted(Counter.DIRECT_CACHE_HIT)) {
      tier = "direct";
      hit = true;
    } else if (s.counted(Counter.PREPROCESSED_CACHE_HIT)) {
      tier = "preprocessed";
      hit = true;
    } else if (s.counted(Counter.REMOTE_COMPILE)) {
      tier = "remote-compile";
    } else if (s.counted(Counter.CACHE_MISS)) {
      tier = "local";
    } else {
      tier = s.firstCounted().map(c -> "not cached: " + c.id()).orElse("not cached");
    }
    return new Compile(file, hit, tier, d.endMillis(), d.millis());
  }
}
