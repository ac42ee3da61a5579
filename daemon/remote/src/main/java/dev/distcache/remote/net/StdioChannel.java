package dev.distcache.remote.net;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * {@code --inetd}: one job on stdin and stdout (an ssh host: {@code ssh HOST distcache daemon
 * --inetd}). There is no socket to close, so giving up means ending the process. The client is not
 * checked against {@code --allow}: ssh has already let it in, as with distccd.
 */
public final class StdioChannel implements JobChannel {
  private final InputStream in;
  private final OutputStream out;
  private final Runnable exit;

  public StdioChannel(InputStream in, OutputStream out, Runnable exit) {
    this.in = new BufferedInputStream(in, 64 << 10);
    this.out = out;
    this.exit = exit;
  }

  @Override
  public InputStream in() {
    return in;
  }

  @Override
  public OutputStream out() {
    return out;
  }

  @Override
  public String client() {
    return "stdin";
  }

  @Override
  public void abort() {
    exit.run();
  }

  @Override
  public AutoCloseable watch(Runnable onGone) {
    return () -> {};
  }
}
