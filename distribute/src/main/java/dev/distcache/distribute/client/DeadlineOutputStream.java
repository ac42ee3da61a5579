package dev.distcache.distribute.client;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds writes to a socket, which Java cannot time out: each write of up to 64 KiB arms a timer
 * that closes the connection when the peer takes no data for the timeout. The caller sees the
 * resulting exception and asks {@link #expired()} whether the timer caused it.
 *
 * <p>Threads: one shared daemon thread runs the timers of every stream; it only closes sockets.
 */
public final class DeadlineOutputStream extends OutputStream {
  private static final int CHUNK = 64 << 10;
  static final ScheduledExecutorService TIMERS =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "distcc-write-deadline");
        t.setDaemon(true);
        return t;
      });

  private final OutputStream out;
  private final Closeable connection;
  private final long timeoutMillis;
  private volatile boolean expired;

  public DeadlineOutputStream(OutputStream out, Closeable connection, long timeoutMillis) {
    this.out = out;
    this.connection = connection;
    this.timeoutMillis = timeoutMillis;
  }

  /** Whether a write outlived the timeout and the connection was closed for it. */
  public boolean expired() {
    return expired;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    for (int done = 0; done < len; ) {
      int n = Math.min(CHUNK, len - done);
      ScheduledFuture<?> timer =
          TIMERS.schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
      try {
        out.write(b, off + done, n);
      } finally {
        timer.cancel(false);
      }
      done += n;
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  private void expire() {
    expired = true;
    try {
      connection.close();
    } catch (IOException e) {
      // closing is all the timer can do; the writer sees the closed socket either way
    }
  }
}
