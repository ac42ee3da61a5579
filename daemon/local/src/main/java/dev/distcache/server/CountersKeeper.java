package dev.distcache.server;

import dev.distcache.cache.ResultStore;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.config.Config;
import dev.distcache.core.stats.Counter;
import dev.distcache.core.stats.CountersFile;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Keeps the counters file (CacheLayout.countersFile) in step with the store, so that clients show
 * and zero the counters without starting a server. The file is the truth while no server runs: a
 * starting server sets its counters to the file's ({@link #restore}) before it listens, under the
 * start lock its client holds. While it runs, one thread rewrites the file at most once a second
 * when the text changed, and {@link #close} writes it a last time before the store closes; a server
 * killed outright loses at most the last second's counts.
 *
 * <p>The file's limits and notes are those of the configuration without any {@code DISTCACHE_*}
 * variable, the view of a client whose environment sets none (the native client asks the JVM
 * otherwise).
 */
final class CountersKeeper implements AutoCloseable {
  private static final long PERIOD_MILLIS = 1000;

  private final CacheLayout layout;
  private final Function<Config, String> statsText;
  private final Thread thread;
  private String written;

  /** {@code statsText} renders the lines for a configuration (AdminHandler.stats). */
  CountersKeeper(CacheLayout layout, Function<Config, String> statsText) {
    this.layout = layout;
    this.statsText = statsText;
    this.thread = Thread.ofPlatform().daemon().name("counters-file").unstarted(this::run);
  }

  /**
   * Sets the store's counters to the file's, when there is a file. A {@code fresh} store (the old
   * one was damaged and moved aside) keeps what it counted since, added to the file's.
   */
  static void restore(CacheLayout layout, ResultStore store, boolean fresh) throws IOException {
    Map<String, String> file = CountersFile.read(layout.countersFile());
    if (file == null) {
      return;
    }
    Map<Counter, Long> stored = store.counters();
    Map<Counter, Long> deltas = new EnumMap<>(Counter.class);
    for (Map.Entry<String, String> e : file.entrySet()) {
      Counter c = Counter.byId(e.getKey());
      if (c == null) {
        continue;
      }
      try {
        long delta = Long.parseLong(e.getValue().trim()) - (fresh ? 0 : stored.getOrDefault(c, 0L));
        if (delta != 0) {
          deltas.put(c, delta);
        }
      } catch (NumberFormatException ignored) {
        // A damaged line: the store's value stands.
      }
    }
    if (!deltas.isEmpty()) {
      store.add(deltas);
    }
  }

  void start() {
    write();
    thread.start();
  }

  /** Rewrites the file now if its text changed. */
  synchronized void write() {
    try {
      String text = statsText.apply(Config.load(layout, Map.of()));
      if (!text.equals(written)) {
        CountersFile.write(layout.countersFile(), text);
        written = text;
      }
    } catch (IOException | RuntimeException e) {
      // The file is a convenience for clients; the store keeps the counters. Tried again later.
    }
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(PERIOD_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      write();
    }
  }

  /** Stops the thread and writes the file a last time; call before the store closes. */
  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(PERIOD_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    write();
  }
}
