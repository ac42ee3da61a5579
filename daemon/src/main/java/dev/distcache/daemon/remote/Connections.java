package dev.distcache.daemon.remote;

import dev.distcache.distribute.distcc.NativeCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * What happens to a connection before and around its job: the access check (a client outside
 * {@code --allow} is closed without a word, as distccd does), then by its first bytes either the
 * {@link NativeHandler} (which takes a job slot per job) or a job slot and the {@link JobHandler};
 * and the stats port's one-shot answer.
 */
final class Connections {
  private final AccessList access;
  private final JobHandler jobs;
  private final NativeHandler natives;
  private final long ioTimeoutMillis;
  private final TcpServer.Slots slots;
  private final DaemonStats stats;
  private final DaemonLog log;

  Connections(AccessList access, JobHandler jobs, NativeHandler natives, int ioTimeoutSeconds, TcpServer.Slots slots,
      DaemonStats stats, DaemonLog log) {
    this.access = access;
    this.jobs = jobs;
    this.natives = natives;
    this.ioTimeoutMillis = ioTimeoutSeconds * 1000L;
    this.slots = slots;
    this.stats = stats;
    this.log = log;
  }

  /** Serves a job connection; closes it. */
  void job(Socket socket) {
    try (socket) {
      if (!allowed(socket)) {
        return;
      }
      stats.accepted();
      String client = TcpChannel.describe((InetSocketAddress) socket.getRemoteSocketAddress());
      socket.setTcpNoDelay(true);
      TcpChannel channel = new TcpChannel(socket);
      if (isNative(channel)) {
        natives.serve(channel); // takes a slot per job, not per connection
        return;
      }
      if (!slots.acquire()) {
        JobSummary s = JobSummary.early(client, JobResult.REJ_OVERLOAD, JobSummary.EXIT_BUSY, 0);
        log.log(LogLevel.WARNING, "dcc_job_summary", s.format());
        stats.record(s);
        return;
      }
      try {
        jobs.serve(channel);
      } finally {
        slots.release();
      }
    } catch (IOException e) {
      log.log(LogLevel.INFO, "dcc_accept_job", "connection failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether the connection speaks the native protocol: its first 4 bytes are {@code DCD1} (a distcc
   * request starts with {@code DIST}). Peeked, not consumed; a client that sends fewer bytes within
   * the I/O timeout, or none, is left to the distcc path, which reports it as distccd would.
   */
  private boolean isNative(TcpChannel channel) {
    InputStream in = channel.in();
    byte[] magic = NativeCodec.MAGIC.getBytes(StandardCharsets.US_ASCII);
    try (Deadline d = Deadline.after(ioTimeoutMillis, channel::abort)) {
      in.mark(magic.length);
      byte[] first = in.readNBytes(magic.length);
      in.reset();
      return Arrays.equals(first, magic);
    } catch (IOException e) {
      return false;
    }
  }

  /** Answers a stats request with {@code page}, as distccd does whatever the client sent; closes it. */
  void stats(Socket socket, Supplier<String> page) {
    try (socket) {
      if (!allowed(socket)) {
        return;
      }
      socket.setSoTimeout(1000);
      drainRequest(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      out.write(page.get().getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      log.log(LogLevel.INFO, "dcc_service_stats_request", "stats connection failed: " + e.getMessage());
    }
  }

  private boolean allowed(Socket socket) {
    InetSocketAddress peer = (InetSocketAddress) socket.getRemoteSocketAddress();
    String client = TcpChannel.describe(peer);
    if (!access.allows(peer.getAddress())) {
      log.log(LogLevel.ERROR, "dcc_check_client", "connection from client '" + client + "' denied by access list");
      return false;
    }
    log.log(LogLevel.INFO, "dcc_check_client", "connection from " + client);
    return true;
  }

  /** Reads what the client sent, up to the end of an HTTP header, 4 KiB or a second of silence. */
  private static void drainRequest(InputStream in) throws IOException {
    byte[] buf = new byte[4096];
    int n = 0;
    try {
      while (n < buf.length) {
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          return;
        }
        n += r;
        if (new String(buf, 0, n, StandardCharsets.ISO_8859_1).contains("\n\r\n")
            || new String(buf, 0, n, StandardCharsets.ISO_8859_1).contains("\n\n")) {
          return;
        }
      }
    } catch (SocketTimeoutException e) {
      // A client that sends nothing still gets the page.
    }
  }
}
