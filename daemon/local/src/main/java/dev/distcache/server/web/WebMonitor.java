package dev.distcache.server.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.distcache.core.web.MonitorPage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The local server's web monitor ({@code distcache mon --web}): the JDK's HTTP server on 127.0.0.1,
 * serving the page ({@code /}), its state ({@code /api/state}) and Prometheus' metrics ({@code
 * /metrics}), read-only. It runs on one thread of its own and reads what the server already keeps
 * (counters, running jobs, the ring of recent compiles), so a compile never waits for it. Started
 * on the first request for it, then the same for every later one; stopped with the server.
 *
 * <p>Only requests whose {@code Host} names the loopback address (or localhost) are answered, so
 * that a web page of another site whose name was pointed at 127.0.0.1 (DNS rebinding) reads
 * nothing.
 */
public final class WebMonitor implements AutoCloseable {
  private HttpServer server;
  private ExecutorService executor;

  /**
   * Starts serving on {@code port} of 127.0.0.1 (0: a free one) unless already serving, and returns
   * the page's URL. A second start with another port returns the running monitor's URL; {@code
   * state} is asked for what to show only by the first.
   */
  public synchronized String start(int port, Supplier<LocalState> state) throws IOException {
    if (server == null) {
      LocalState s = state.get();
      HttpServer http =
          HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 16);
      http.createContext("/", ex -> answer(ex, s));
      executor =
          Executors.newSingleThreadExecutor(
              r -> Thread.ofPlatform().daemon().name("distcache-web").unstarted(r));
      http.setExecutor(executor);
      http.start();
      server = http;
    }
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  private static void answer(HttpExchange ex, LocalState s) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        send(ex, 405, "text/plain", "read-only: GET only\n");
        return;
      }
      if (!loopbackHost(ex.getRequestHeaders().getFirst("Host"))) {
        send(ex, 403, "text/plain", "the monitor answers requests for 127.0.0.1 only\n");
        return;
      }
      switch (ex.getRequestURI().getPath()) {
        case "/" -> send(ex, 200, "text/html; charset=utf-8", MonitorPage.bytes());
        case "/api/state" -> send(ex, 200, "application/json", s.json());
        case "/metrics" -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", s.metrics());
        default -> send(ex, 404, "text/plain", "not found\n");
      }
    } catch (RuntimeException e) {
      // A store closing under the request: the page says it cannot reach the server.
      System.err.println("distcache server: web monitor request failed: " + e);
    }
  }

  static boolean loopbackHost(String host) {
    if (host == null) {
      return false;
    }
    int colon = host.lastIndexOf(':');
    String name = colon < 0 ? host : host.substring(0, colon);
    return name.equals("127.0.0.1") || name.equalsIgnoreCase("localhost");
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }
}
