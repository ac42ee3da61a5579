package dev.distcache.remote;

import dev.distcache.core.log.LogLevel;
import dev.distcache.core.log.ServerLog;
import dev.distcache.distribute.nativeproto.NativeCodec;
import dev.distcache.remote.job.JobHandler;
import dev.distcache.remote.job.NativeHandler;
import dev.distcache.remote.net.AccessList;
import dev.distcache.remote.net.ClientLimit;
import dev.distcache.remote.net.DaemonTls;
import dev.distcache.remote.net.Deadline;
import dev.distcache.remote.net.Netmask;
import dev.distcache.remote.net.TcpChannel;
import dev.distcache.remote.net.TcpServer;
import dev.distcache.remote.report.DaemonStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

/**
 * What happens to a connection before and around its job: the access check (a client outside {@code
 * --allow} is closed without a word, as distccd does), the cap on connections from one address
 * ({@link ClientLimit}), the deadline for its first bytes, then by those bytes either the {@link
 * NativeHandler} or the {@link JobHandler} (each takes a job slot once a job has arrived, so that
 * clients still sending, or silent, hold none); and the stats port's one-shot answer. With {@code
 * --tls-cert} a connection that opens with a TLS record is taken over by TLS ({@link DaemonTls})
 * and then speaks the native protocol; the native protocol in plaintext is then denied, and distcc
 * clients keep their plaintext protocol and {@code --allow}, which applies to every connection.
 */
public final class Connections {
  private final AccessList access;
  private final JobHandler jobs;
  private final NativeHandler natives;
  private final long firstFrameMillis;
  private final int maxPerClient;
  private final ClientLimit perClient;
  private final TcpServer.Slots slots;
  private final DaemonStats stats;
  private final ServerLog log;
  private final DaemonTls tls;

  Connections(
      AccessList access,
      JobHandler jobs,
      NativeHandler natives,
      int firstFrameSeconds,
      int maxPerClient,
      TcpServer.Slots slots,
      DaemonStats stats,
      ServerLog log,
      DaemonTls tls) {
    this.tls = tls;
    this.access = access;
    this.jobs = jobs;
    this.natives = natives;
    this.firstFrameMillis = firstFrameSeconds * 1000L;
    this.maxPerClient = maxPerClient;
    this.perClient = new ClientLimit(maxPerClient);
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
      InetSocketAddress peer = (InetSocketAddress) socket.getRemoteSocketAddress();
      String client = TcpChannel.describe(peer);
      socket.setTcpNoDelay(true);
      TcpChannel channel = new TcpChannel(socket);
      try (ClientLimit.Ticket ticket =
          perClient.admit(Netmask.canonical(peer.getAddress()), channel)) {
        if (ticket == null) {
          log.log(
              LogLevel.WARNING,
              "dcc_check_client",
              "turned away "
                  + client
                  + ": "
                  + maxPerClient
                  + " connections from that address are already sending or running jobs (--max-client-connections)");
          return;
        }
        Kind kind = firstBytes(channel, ticket, client);
        if (kind == Kind.TLS) {
          overTls(socket, channel, client);
        } else if (kind == Kind.NATIVE) {
          natives.serve(channel, false); // takes a slot per job, not per connection
        } else if (kind == Kind.DISTCC) {
          jobs.serve(channel, slots); // takes a slot once the request is in
        }
      }
    } catch (IOException e) {
      log.log(LogLevel.INFO, "dcc_accept_job", "connection failed: " + e.getMessage());
    }
  }

  /**
   * Runs the TLS handshake (within {@code --first-frame-timeout}) and serves the native protocol
   * over it; a daemon without {@code --tls-cert}, or a failed handshake, closes the connection.
   */
  private void overTls(Socket socket, TcpChannel plain, String client) {
    if (tls == null) {
      log.log(
          LogLevel.WARNING,
          "tls",
          "closed a TLS connection from " + client + ": this daemon has no --tls-cert");
      return;
    }
    javax.net.ssl.SSLSocket secure;
    Deadline d = Deadline.after(firstFrameMillis, plain::abort);
    try (d) {
      secure = tls.accept(socket, plain.readAhead());
    } catch (IOException e) {
      log.log(
          LogLevel.WARNING,
          "tls",
          "TLS handshake with "
              + client
              + (d.fired()
                  ? " took too long (--first-frame-timeout)"
                  : " failed: " + e.getMessage()));
      return;
    }
    try (secure) {
      natives.serve(new TcpChannel(secure, socket), true);
    } catch (IOException e) {
      log.log(LogLevel.INFO, "tls", "TLS connection from " + client + " ended: " + e.getMessage());
    }
  }

  /** What a connection turned out to be by its first bytes. */
  private enum Kind {
    TLS,
    NATIVE,
    DISTCC,
    SILENT
  }

  /**
   * Whether the connection speaks the native protocol: its first 4 bytes are {@code DCD1} (a distcc
   * request starts with {@code DIST}), or TLS: its first byte opens a TLS handshake record. Peeked,
   * not consumed. A client that sends nothing within {@code --first-frame-timeout} (a real client
   * sends at once), or whose connection was closed to make room for a newer one from its address,
   * is dropped here; one that sends fewer bytes and hangs up is left to the distcc path, which
   * reports it as distccd would.
   */
  private Kind firstBytes(TcpChannel channel, ClientLimit.Ticket ticket, String client) {
    InputStream in = channel.in();
    byte[] magic = NativeCodec.MAGIC.getBytes(StandardCharsets.US_ASCII);
    Deadline d = Deadline.after(firstFrameMillis, channel::abort);
    try (d) {
      in.mark(magic.length);
      byte[] first = in.readNBytes(magic.length);
      in.reset();
      ticket.spoke();
      if (first.length > 0 && (first[0] & 0xff) == DaemonTls.HANDSHAKE_RECORD) {
        return Kind.TLS;
      }
      return Arrays.equals(first, magic) ? Kind.NATIVE : Kind.DISTCC;
    } catch (IOException e) {
      if (d.fired()) {
        log.log(
            LogLevel.WARNING,
            "dcc_r_token",
            "closed a connection from "
                + client
                + " that sent nothing within "
                + firstFrameMillis / 1000
                + " s (--first-frame-timeout)");
        return Kind.SILENT;
      }
      if (ticket.evicted()) {
        log.log(
            LogLevel.WARNING,
            "dcc_check_client",
            "closed a silent connection from "
                + client
                + " to make room: "
                + maxPerClient
                + " connections from that address at most (--max-client-connections)");
        return Kind.SILENT;
      }
      return Kind.DISTCC;
    }
  }

  /**
   * Answers a stats request with {@code page}, as distccd does whatever the client sent; closes it.
   */
  /**
   * Serves the page {@code page} makes for the request's path (distccd's page answers any request,
   * even none: distccmon-style clients send nothing), to clients the access list allows.
   */
  void stats(Socket socket, Function<String, String> page) {
    try (socket) {
      if (!allowed(socket)) {
        return;
      }
      socket.setSoTimeout(1000);
      String path = requestPath(drainRequest(socket.getInputStream()));
      OutputStream out = socket.getOutputStream();
      out.write(page.apply(path).getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      log.log(
          LogLevel.INFO, "dcc_service_stats_request", "stats connection failed: " + e.getMessage());
    }
  }

  /**
   * The path of an HTTP request line ({@code GET /metrics HTTP/1.1}), without a query; "/" else.
   */
  static String requestPath(String request) {
    int end = request.indexOf('\n');
    String[] words = (end < 0 ? request : request.substring(0, end)).trim().split(" ");
    if (words.length < 2 || !words[0].equals("GET")) {
      return "/";
    }
    int query = words[1].indexOf('?');
    return query < 0 ? words[1] : words[1].substring(0, query);
  }

  private boolean allowed(Socket socket) {
    InetSocketAddress peer = (InetSocketAddress) socket.getRemoteSocketAddress();
    String client = TcpChannel.describe(peer);
    if (!access.allows(peer.getAddress())) {
      log.log(
          LogLevel.ERROR,
          "dcc_check_client",
          "connection from client '" + client + "' denied by access list");
      return false;
    }
    log.log(LogLevel.INFO, "dcc_check_client", "connection from " + client);
    return true;
  }

  /**
   * Reads what the client sent, up to the end of an HTTP header, 4 KiB or a second of silence, and
   * returns it.
   */
  private static String drainRequest(InputStream in) throws IOException {
    byte[] buf = new byte[4096];
    int n = 0;
    try {
      while (n < buf.length) {
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
        String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        if (text.contains("\n\r\n") || text.contains("\n\n")) {
          break;
        }
      }
    } catch (SocketTimeoutException e) {
      // A client that sends nothing still gets the page.
    }
    return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
  }
}
