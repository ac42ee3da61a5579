package dev.distcache.remote.net;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * The connection one job arrives on: a TCP socket ({@link TcpChannel}) or, for {@code --inetd},
 * stdin and stdout ({@link StdioChannel}).
 */
public interface JobChannel {
  /** The request bytes (buffered). */
  InputStream in();

  /** Where the reply goes (buffered by the writer). */
  OutputStream out();

  /** The client as the summary line names it ({@code 10.0.0.7:40312}). */
  String client();

  /** Gives up on the connection from another thread: unblocks the job's reads and writes. */
  void abort();

  /**
   * Calls {@code onGone} if the client hangs up while its job runs (distccd then kills the
   * compiler); closing the returned handle stops watching.
   */
  AutoCloseable watch(Runnable onGone);
}
