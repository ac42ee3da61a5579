package dev.distcache.cache.remote;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The writes to remote storages, done after the compile's reply by background threads: bounded in
 * memory (a write that would take the queued bytes over the limit is dropped and logged, never
 * waited for), and flushed by {@link #close} when the server stops. Thread-safe.
 */
final class RemoteWrites implements AutoCloseable {
  /** One write: what it does, and how many bytes it holds while queued. */
  record Write(long bytes, Runnable action) {}

  private final long maxBytes;
  private final ArrayDeque<Write> queue = new ArrayDeque<>();
  private final List<Thread> workers = new ArrayList<>();
  private long queuedBytes;
  private int running;
  private boolean closed;

  /** {@code workers} threads drain the queue; at most {@code maxBytes} wait in it. */
  RemoteWrites(int workers, long maxBytes) {
    this.maxBytes = maxBytes;
    for (int i = 0; i < workers; i++) {
      Thread t =
          Thread.ofPlatform().daemon().name("distcache-remote-write-" + i).start(this::drain);
      this.workers.add(t);
    }
  }

  /** Queues {@code write}; false (nothing queued) when the queue is full or closed. */
  synchronized boolean offer(Write write) {
    if (closed || (queuedBytes + write.bytes() > maxBytes && !queue.isEmpty())) {
      return false;
    }
    queue.add(write);
    queuedBytes += write.bytes();
    notifyAll();
    return true;
  }

  /** Waits until every write queued so far is done, or {@code timeout} passed; true when done. */
  synchronized boolean flush(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!queue.isEmpty() || running > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /** The writes waiting, not yet started. */
  synchronized int pending() {
    return queue.size();
  }

  private void drain() {
    while (true) {
      Write w;
      synchronized (this) {
        while (queue.isEmpty() && !closed) {
          try {
            wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (queue.isEmpty()) {
          return;
        }
        w = queue.poll();
        queuedBytes -= w.bytes();
        running++;
      }
      try {
        w.action().run();
      } catch (RuntimeException e) {
        // The action reports its own failures; nothing may stop a worker.
      } finally {
        synchronized (this) {
          running--;
          notifyAll();
        }
      }
    }
  }

  /**
   * Takes no more writes, lets the workers finish what is queued for up to {@code timeout}, then
   * stops them; true when everything queued was written (or failed on its own).
   */
  boolean close(Duration timeout) {
    boolean done;
    try {
      done = flush(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done = false;
    }
    synchronized (this) {
      closed = true;
      queue.clear();
      queuedBytes = 0;
      notifyAll();
    }
    return done;
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
