package dev.distcache.distribute.client;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds reads from a pipe, which Java cannot time out as it does a socket: each read arms a timer
 * that closes the connection (ends the ssh process) when no data came for the timeout. The caller
 * sees the end of the stream or an exception and asks {@link #expired()} whether the timer caused
 * it.
 *
 * <p>Threads: the timers run on {@link DeadlineOutputStream}'s shared daemon thread.
 */
final class DeadlineInputStream extends InputStream {
  private final InputStream in;
  private final Closeable connection;
  private final long timeoutMillis;
  private volatile boolean expired;

  DeadlineInputStream(InputStream in, Closeable connection, long timeoutMillis) {
    this.in = in;
    this.connection = connection;
    this.timeoutMillis = timeoutMillis;
  }

  /** Whether a read outlived the timeout and the connection was closed for it. */
  boolean expired() {
    return expired;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    ScheduledFuture<?> timer =
        DeadlineOutputStream.TIMERS.schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
    try {
      return in.read(b, off, len);
    } finally {
      timer.cancel(false);
    }
  }

  private void expire() {
    expired = true;
    try {
      connection.close();
    } catch (IOException e) {
      // closing is all the timer can do; the reader sees the end of the stream either way
    }
  }
}
