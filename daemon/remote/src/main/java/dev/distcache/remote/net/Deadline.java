package dev.distcache.remote.net;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action (closing a connection) unless cancelled first: Java cannot time out a read that
 * trickles in, nor a socket write at all, so a job's reading and answering phases each get one. One
 * shared daemon thread runs every deadline; actions must be quick.
 */
public final class Deadline implements AutoCloseable {
  private static final ScheduledExecutorService TIMERS =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "distcache-daemon-deadlines");
        t.setDaemon(true);
        return t;
      });

  private final ScheduledFuture<?> future;
  private volatile boolean fired;

  private Deadline(Runnable action, long millis) {
    this.future =
        TIMERS.schedule(
            () -> {
              fired = true;
              action.run();
            },
            millis,
            TimeUnit.MILLISECONDS);
  }

  public static Deadline after(long millis, Runnable action) {
    return new Deadline(action, millis);
  }

  /** Whether the action ran. */
  public boolean fired() {
    return fired;
  }

  @Override
  public void close() {
    future.cancel(false);
  }
}
