package dev.distcache.remote.storage;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.distcache.cache.StoreException;
import dev.distcache.core.log.LogLevel;
import dev.distcache.core.log.ServerLog;
import dev.distcache.remote.net.DaemonTls;
import dev.distcache.remote.report.StorageCounts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLParameters;

/**
 * The daemon's storage port ({@code --storage-port}): the shared tier of distcache's clients,
 * spoken as ccache's HTTP storage is, so that a client names it in {@code remote_storage} as {@code
 * http://HOST:PORT/} with any of its layouts ({@code subdirs}, {@code flat}, {@code bazel}). {@code
 * GET} answers a value (200) or none (404), {@code HEAD} the same without the body, {@code PUT}
 * stores one (201) when it is a result or a manifest of its key ({@link SharedEntries}; else 400).
 * Only the {@code --allow} networks are served (403 for the others), and only the writers of {@link
 * StorageAccess} may {@code PUT} (403 for the readers); a body over {@code --max-file-size} is
 * refused (413) before it is read. Nothing else is answered: no listing, no delete.
 *
 * <p>Threads: the JDK's HTTP server accepts on its own thread and runs each exchange on a virtual
 * thread. {@link #close} stops accepting, gives exchanges in progress a second, then closes them.
 */
public final class StorageServer implements AutoCloseable {
  private static final Pattern PATH =
      Pattern.compile("/(?:ac/)?([0-9a-f]{64})|/([0-9a-f]{2})/([0-9a-f]{62})");

  private final HttpServer server;
  private final ExecutorService executor;
  private final StorageAccess access;
  private final SharedEntries entries;
  private final long maxValue;
  private final ServerLog log;
  private final StorageCounts counts = new StorageCounts();

  private StorageServer(
      HttpServer server,
      ExecutorService executor,
      StorageAccess access,
      SharedEntries entries,
      long maxValue,
      ServerLog log) {
    this.server = server;
    this.executor = executor;
    this.access = access;
    this.entries = entries;
    this.maxValue = maxValue;
    this.log = log;
  }

  /**
   * Binds {@code port} on {@code listen} (null: every address) and starts serving: HTTPS with the
   * daemon's certificate when {@code tls} is not null (client certificates as the daemon's TLS
   * asks), else plain HTTP. {@code access} says who reads and who writes: a request without one of
   * its tokens, when it has tokens, is answered 401, a {@code PUT} from a peer that may only read
   * 403.
   *
   * @throws IOException when the port cannot be bound
   */
  public static StorageServer start(
      String listen,
      int port,
      StorageAccess access,
      DaemonTls tls,
      SharedEntries entries,
      long maxValue,
      ServerLog log)
      throws IOException {
    InetSocketAddress where =
        listen == null ? new InetSocketAddress(port) : new InetSocketAddress(listen, port);
    HttpServer server;
    try {
      server = tls == null ? HttpServer.create(where, 64) : https(where, tls);
    } catch (IOException e) {
      throw new IOException(
          "cannot listen on "
              + (listen == null ? "" : listen)
              + ":"
              + port
              + " for --storage-port: "
              + e.getMessage(),
          e);
    }
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    StorageServer s = new StorageServer(server, executor, access, entries, maxValue, log);
    server.createContext("/", s::handle);
    server.setExecutor(executor);
    server.start();
    return s;
  }

  private static HttpsServer https(InetSocketAddress where, DaemonTls tls) throws IOException {
    HttpsServer s = HttpsServer.create(where, 64);
    s.setHttpsConfigurator(
        new HttpsConfigurator(tls.context()) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters p = tls.context().getDefaultSSLParameters();
            p.setNeedClientAuth(tls.clientCertificates());
            params.setSSLParameters(p);
          }
        });
    return s;
  }

  /** The requests answered since start, by outcome. */
  public StorageCounts counts() {
    return counts;
  }

  /** {@code ADDRESS:PORT}, for the start-up log. */
  public String where() {
    InetSocketAddress a = server.getAddress();
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      InetAddress peer = ex.getRemoteAddress().getAddress();
      StorageAccess.Decision decision =
          access.admit(peer, ex.getRequestHeaders().getFirst("Authorization"));
      if (decision instanceof StorageAccess.Refused r) {
        log.log(
            LogLevel.WARNING,
            "storage",
            (r.status() == 403 ? "refused " : "denied ") + peer.getHostAddress() + ": " + r.why());
        counts.count(StorageCounts.Outcome.DENIED);
        if (r.status() == 401) {
          ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        }
        answer(ex, r.status(), r.status() == 403 ? "not allowed\n" : r.why() + "\n");
        return;
      }
      StorageAccess.Admitted admitted = (StorageAccess.Admitted) decision;
      Matcher m = PATH.matcher(ex.getRequestURI().getRawPath());
      if (!m.matches()) {
        answer(ex, 404, "no such key\n");
        return;
      }
      String key = m.group(1) != null ? m.group(1) : m.group(2) + m.group(3);
      switch (ex.getRequestMethod()) {
        case "GET", "HEAD" -> read(ex, key);
        case "PUT" -> {
          if (admitted.mayWrite()) {
            write(ex, key, admitted.who());
          } else {
            log.log(
                LogLevel.WARNING,
                "storage",
                "refused a write from "
                    + admitted.who()
                    + ": it may only read (--storage-write-allow, --storage-read-tokens)");
            counts.count(StorageCounts.Outcome.DENIED);
            answer(ex, 403, "this client may only read\n");
          }
        }
        default -> {
          ex.getResponseHeaders().set("Allow", "GET, HEAD, PUT");
          answer(ex, 405, "GET, HEAD or PUT\n");
        }
      }
    } catch (IOException | RuntimeException e) {
      log.log(LogLevel.WARNING, "storage", "exchange failed: " + e);
    }
  }

  /**
   * GET answers the value; HEAD (the client's check before it writes) only whether there is one,
   * looked up without decoding it, so without its length.
   */
  private void read(HttpExchange ex, String key) throws IOException {
    boolean head = ex.getRequestMethod().equals("HEAD");
    Optional<byte[]> value = Optional.empty();
    boolean found;
    try {
      if (head) {
        found = entries.exists(key);
      } else {
        value = entries.get(key);
        found = value.isPresent();
      }
    } catch (StoreException e) {
      log.log(LogLevel.ERROR, "storage", "cannot read " + key + ": " + e.getMessage());
      answer(ex, 500, "the daemon's store failed\n");
      return;
    }
    if (!found) {
      counts.count(StorageCounts.Outcome.MISS);
      answer(ex, 404, "");
      return;
    }
    counts.count(StorageCounts.Outcome.HIT);
    ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
    if (head) {
      ex.sendResponseHeaders(200, -1);
      return;
    }
    ex.sendResponseHeaders(200, value.get().length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(value.get());
    }
  }

  private void write(HttpExchange ex, String key, String who) throws IOException {
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null && (!length.matches("[0-9]{1,18}") || Long.parseLong(length) > maxValue)) {
      counts.count(StorageCounts.Outcome.REFUSED);
      answer(ex, 413, "a value may have at most " + maxValue + " bytes (--max-file-size)\n");
      return;
    }
    byte[] value;
    try (InputStream in = ex.getRequestBody()) {
      value = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxValue + 1));
    }
    if (value.length > maxValue) {
      counts.count(StorageCounts.Outcome.REFUSED);
      answer(ex, 413, "a value may have at most " + maxValue + " bytes (--max-file-size)\n");
      return;
    }
    try {
      if (!entries.put(key, value)) {
        counts.count(StorageCounts.Outcome.REFUSED);
        answer(ex, 507, "the value is larger than the daemon's --max-size\n");
        return;
      }
    } catch (SharedEntries.Invalid e) {
      log.log(LogLevel.WARNING, "storage", "refused a value from " + who + ": " + e.getMessage());
      counts.count(StorageCounts.Outcome.REFUSED);
      answer(ex, 400, e.getMessage() + "\n");
      return;
    } catch (StoreException e) {
      counts.count(StorageCounts.Outcome.REFUSED);
      log.log(LogLevel.ERROR, "storage", "cannot store " + key + ": " + e.getMessage());
      answer(ex, 500, "the daemon's store failed\n");
      return;
    }
    log.log(
        LogLevel.INFO, "storage", "stored " + key + " (" + value.length + " bytes) from " + who);
    counts.count(StorageCounts.Outcome.STORED);
    answer(ex, 201, "");
  }

  private static void answer(HttpExchange ex, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    if (ex.getRequestMethod().equals("HEAD") || body.length == 0) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(1); // closes the connections still open after a second
    executor.shutdownNow();
  }
}
