package dev.distcache.remote.report;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * What distccd's stats page counts, since the daemon started: connections accepted, jobs by result,
 * the longest compile, how many jobs run now, the average of that over 1, 5 and 15 minutes (sampled
 * each second), and the compiles that finished in the last 1, 5 and 15 minutes (as distccd: every
 * result that ran the compiler). Thread-safe.
 */
public final class DaemonStats {
  private static final int WINDOW_SECONDS = 900;
  private static final int MAX_KEPT_COMPLETIONS = 1 << 20;

  /**
   * Upper bounds, in milliseconds, of the buckets of the job-duration histogram on {@code /metrics}
   * (a last bucket, +Inf, takes the rest).
   */
  static final long[] DURATION_BOUNDS_MILLIS = {
    5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000
  };

  /** The numbers of one stats page; {@code durations} counts jobs per duration bucket. */
  record Snapshot(
      Map<JobResult, Long> counts,
      String longestJob,
      String longestCompiler,
      long longestMillis,
      int running,
      int[] averageRunning,
      int[] compilesFinished,
      long[] durations,
      long durationMillisSum) {}

  private final LongSupplier clockMillis;
  private final AtomicLongArray counts = new AtomicLongArray(JobResult.values().length);
  private final AtomicInteger running = new AtomicInteger();
  private final int[] samples = new int[WINDOW_SECONDS];
  private long sampled;
  private final Deque<Long> completions = new ArrayDeque<>();
  private String longestJob = "none";
  private String longestCompiler = "none";
  private long longestMillis = -1;
  private final long[] durations = new long[DURATION_BOUNDS_MILLIS.length + 1];
  private long durationMillisSum;

  public DaemonStats(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  /** A connection passed the access check. */
  public void accepted() {
    counts.incrementAndGet(JobResult.TCP_ACCEPT.ordinal());
  }

  public void jobStarted() {
    running.incrementAndGet();
  }

  public void jobFinished() {
    running.decrementAndGet();
  }

  public void record(JobSummary s) {
    counts.incrementAndGet(s.result().ordinal());
    if (s.result() == JobResult.REJ_BAD_REQ
        || s.result() == JobResult.REJ_OVERLOAD
        || s.result() == JobResult.OTHER) {
      return;
    }
    synchronized (this) {
      int bucket = 0;
      while (bucket < DURATION_BOUNDS_MILLIS.length
          && s.timeMillis() > DURATION_BOUNDS_MILLIS[bucket]) {
        bucket++;
      }
      durations[bucket]++;
      durationMillisSum += Math.max(0, s.timeMillis());
      completions.addLast(clockMillis.getAsLong());
      if (completions.size() > MAX_KEPT_COMPLETIONS) {
        completions.removeFirst();
      }
      if (s.result() == JobResult.COMPILE_OK && s.timeMillis() > longestMillis) {
        longestMillis = s.timeMillis();
        longestJob = s.file();
        longestCompiler = s.compiler();
      }
    }
  }

  /** Records how many jobs run now; called once a second. */
  public synchronized void sample() {
    samples[(int) (sampled % WINDOW_SECONDS)] = running.get();
    sampled++;
  }

  /**
   * Jobs finished in each of the {@code seconds} whole seconds before now, oldest first, for the
   * web monitor's chart (at most the 900 seconds the stats page keeps).
   */
  public synchronized long[] finishedPerSecond(int seconds) {
    long now = clockMillis.getAsLong() / 1000;
    long[] out = new long[seconds];
    for (long t : completions) {
      long k = t / 1000 - (now - seconds);
      if (k >= 0 && k < seconds) {
        out[(int) k]++;
      }
    }
    return out;
  }

  public synchronized Snapshot snapshot() {
    Map<JobResult, Long> c = new EnumMap<>(JobResult.class);
    for (JobResult r : JobResult.values()) {
      c.put(r, counts.get(r.ordinal()));
    }
    long now = clockMillis.getAsLong();
    while (!completions.isEmpty() && completions.peekFirst() < now - WINDOW_SECONDS * 1000L) {
      completions.removeFirst();
    }
    int[] finished = new int[3];
    int[] windows = {60, 300, 900};
    for (long t : completions) {
      for (int i = 0; i < 3; i++) {
        if (t >= now - windows[i] * 1000L) {
          finished[i]++;
        }
      }
    }
    int[] average = new int[3];
    for (int i = 0; i < 3; i++) {
      int n = (int) Math.min(sampled, windows[i]);
      long sum = 0;
      for (int k = 1; k <= n; k++) {
        sum += samples[(int) ((sampled - k) % WINDOW_SECONDS)];
      }
      average[i] = n == 0 ? 0 : (int) (sum / n);
    }
    return new Snapshot(
        c,
        longestJob,
        longestCompiler,
        longestMillis,
        running.get(),
        average,
        finished,
        durations.clone(),
        durationMillisSum);
  }
}
