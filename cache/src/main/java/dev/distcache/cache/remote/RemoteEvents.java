package dev.distcache.cache.remote;

import dev.distcache.core.stats.Counter;

/**
 * Where the shared tier's background work counts and logs: the writes that happen after a compile's
 * reply (a write, its failure, a write dropped because the queue was full) and back-off changes.
 * Each program gives its own (the local server's store counters and server log, the daemon's).
 * Implementations must be thread-safe and must not throw.
 */
public interface RemoteEvents {
  /** Adds one to {@code counter}. */
  void count(Counter counter);

  /** One line for the program's log. */
  void log(String line);

  /** Counts nothing, logs nothing. */
  RemoteEvents NONE =
      new RemoteEvents() {
        @Override
        public void count(Counter counter) {}

        @Override
        public void log(String line) {}
      };
}
