package dev.distcache.daemon.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * What happens to a connection before and around its job: the access check (a client outside
 * {@code --allow} is closed without a word, as distccd does), a job slot, then the {@link
 * JobHandler}; and the stats port's one-shot answer.
 */
final class Connections {
  private final AccessList access;
  private final JobHandler jobs;
  private final TcpServer.Slots slots;
  private final DaemonStats stats;
  private final DaemonLog log;

  Connections(AccessList access, JobHandler jobs, TcpServer.Slots slots, DaemonStats stats, DaemonLog log) {
    this.access = access;
    this.jobs = jobs;
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
      if (!slots.acquire()) {
        JobSummary s = JobSummary.early(client, JobResult.REJ_OVERLOAD, JobSummary.EXIT_BUSY, 0);
        log.log(LogLevel.WARNING, "dcc_job_summary", s.format());
        stats.record(s);
        return;
      }
      try {
        socket.setTcpNoDelay(true);
        jobs.serve(new TcpChannel(socket));
      } finally {
        slots.release();
      }
    } catch (IOException e) {
      log.log(LogLevel.INFO, "dcc_accept_job", "connection failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
