package dev.distcache.core.process;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Stops the processes one request started once its client has gone away (Ctrl-C in the build). The
 * request's thread runs the compile {@link #within} its cancellation (or gives it to each {@link
 * Command}); the {@link ProcessRunner} registers every process it starts there; {@link #cancel},
 * called from the thread that watches the connection, stops each process and everything it started
 * (the runner's one way: TERM, then KILL after a grace period), no process starts after it, and
 * every run that was cancelled fails with {@link CancelledException}. Thread-safe.
 */
public final class Cancellation {
  private static final ThreadLocal<Cancellation> CURRENT = new ThreadLocal<>();

  private final Set<Process> running = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelled;

  /** A process run stopped because its client went away; nothing of it may be used or stored. */
  public static final class CancelledException extends IOException {
    public CancelledException(String command) {
      super("stopped " + command + ": the client went away");
    }
  }

  /**
   * Runs {@code body} on this thread with this cancellation in force for the processes it starts.
   */
  public <T> T within(Supplier<T> body) {
    Cancellation outer = CURRENT.get();
    CURRENT.set(this);
    try {
      return body.get();
    } finally {
      CURRENT.set(outer);
    }
  }

  /** Stops every process registered now or later; returns once the ones running now have exited. */
  public void cancel() {
    cancelled = true;
    for (Process p : running) {
      SystemProcessRunner.stop(p);
    }
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * Whether the request this thread serves was cancelled (its client went away); false outside a
   * request. For waits that start no process, so that they stop when nobody awaits their end.
   */
  public static boolean currentCancelled() {
    Cancellation c = CURRENT.get();
    return c != null && c.cancelled;
  }

  /** The cancellation in force on this thread, or null. */
  static Cancellation current() {
    return CURRENT.get();
  }

  /** Registers a process just started; stops it at once when the request is already cancelled. */
  void register(Process p, String command) throws CancelledException {
    running.add(p);
    if (cancelled) {
      SystemProcessRunner.stop(p);
      throw new CancelledException(command);
    }
  }

  void unregister(Process p) {
    running.remove(p);
  }
}
