package dev.distcache.distribute.farm;

import dev.distcache.distribute.hosts.HostSpec;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each remote host has done since the server started, for the web monitor's hosts panel: jobs
 * done (their result used, as {@code remote_compile} counts them), jobs failed there, times it
 * could not be reached, and the median time of its last {@link #RECENT} jobs. One small
 * synchronized update per remote attempt, no I/O, so the compile path does not notice it.
 */
public final class HostStats {
  /** Jobs whose durations make the recent latency. */
  static final int RECENT = 16;

  /**
   * A remote host as the monitor shows it: its name without any ssh user, the protocol, its slots
   * and those in use now, milliseconds of backoff left (0: usable), and its figures. No option,
   * file or credential of the host entry is carried.
   *
   * @param latencyMillis the median duration of its last jobs, -1 before the first
   */
  public record Host(
      String name,
      String protocol,
      int slots,
      int inUse,
      long backoffMillis,
      long unreachable,
      long done,
      long failed,
      long latencyMillis) {}

  private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

  /** A job on {@code key} whose result was used, after {@code nanos} from send to answer. */
  void done(String key, long nanos) {
    tally(key).done(nanos);
  }

  /** A job {@code key} took but could not finish, or refused. */
  void failed(String key) {
    tally(key).failed();
  }

  /** A connection to {@code key} that failed. */
  void unreachable(String key) {
    tally(key).unreachable();
  }

  /** {@code spec}'s row, with the scheduler's figures for it. */
  Host host(HostSpec spec, int inUse, long backoffNanos) {
    Tally t = tallies.get(Scheduler.key(spec));
    long[] f = t == null ? new long[] {0, 0, 0, -1} : t.figures();
    return new Host(
        name(spec),
        protocol(spec),
        spec.limit(),
        inUse,
        backoffNanos <= 0 ? 0 : Math.max(1, backoffNanos / 1_000_000),
        f[0],
        f[1],
        f[2],
        f[3]);
  }

  private Tally tally(String key) {
    return tallies.computeIfAbsent(key, k -> new Tally());
  }

  /** {@code HOST:PORT}, or {@code HOST} over ssh: the user part of an ssh entry is left out. */
  static String name(HostSpec spec) {
    return switch (spec) {
      case HostSpec.Tcp t ->
          (t.host().indexOf(':') >= 0 ? "[" + t.host() + "]" : t.host()) + ":" + t.port();
      case HostSpec.Ssh s -> s.host();
      case HostSpec.Local l -> Scheduler.LOCAL;
    };
  }

  static String protocol(HostSpec spec) {
    return switch (spec) {
      case HostSpec.Tcp t when t.options().tls() -> "native, tls";
      case HostSpec.Tcp t when t.options().distcache() -> "native";
      case HostSpec.Tcp t -> "distcc" + distccOptions(t.options().lzo(), t.options().cpp());
      case HostSpec.Ssh s ->
          "distcc over ssh" + distccOptions(s.options().lzo(), s.options().cpp());
      case HostSpec.Local l -> "local";
    };
  }

  private static String distccOptions(boolean lzo, boolean cpp) {
    return cpp ? ", pump" : lzo ? ", lzo" : "";
  }

  /** One host's figures; its own lock, held for a few field writes. */
  static final class Tally {
    private final long[] recent = new long[RECENT];
    private int count;
    private int next;
    private long done;
    private long failed;
    private long unreachable;

    synchronized void done(long nanos) {
      done++;
      recent[next] = nanos;
      next = (next + 1) % RECENT;
      count = Math.min(count + 1, RECENT);
    }

    synchronized void failed() {
      failed++;
    }

    synchronized void unreachable() {
      unreachable++;
    }

    /** Unreachable, done, failed, and the median of the recent durations in ms (-1: none). */
    long[] figures() {
      long[] last;
      long[] f = new long[4];
      synchronized (this) {
        f[0] = unreachable;
        f[1] = done;
        f[2] = failed;
        last = Arrays.copyOf(recent, count);
      }
      f[3] = median(last);
      return f;
    }
  }

  /**
   * The median of {@code nanos} in milliseconds (the upper one of an even count); -1 when empty.
   */
  static long median(long[] nanos) {
    if (nanos.length == 0) {
      return -1;
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2] / 1_000_000;
  }
}
