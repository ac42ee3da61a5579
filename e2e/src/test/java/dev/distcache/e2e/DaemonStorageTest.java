package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Loopback;
import dev.distcache.testing.RemoteDaemon;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's storage port refuses what is not a value of its key, a body over {@code
 * --max-file-size}, a peer outside {@code --allow} and every method but GET, HEAD and PUT; a client
 * that stalls in its body does not hold up the others. (That it serves a whole build's results and
 * manifests is {@code
 * RemoteStorageSharingTest#distcacheDaemonStoragePort_runnerBBuildsFromRunnerA}.)
 */
class DaemonStorageTest {
  private static final String KEY = "ab".repeat(32);

  @TempDir Path tmp;

  @Test
  void whatIsNotAValueOfItsKey_isRefused_andNothingIsServedForIt() throws Exception {
    int port = Loopback.freePort("127.0.0.2");
    try (RemoteDaemon d =
        RemoteDaemon.on("127.0.0.2", tmp)
            .args("--storage-port", Integer.toString(port), "--max-file-size", "4k")
            .stats()
            .start()) {
      d.awaitLog("serving the shared cache tier");
      String flat = "/" + KEY;
      String subdirs = "/" + KEY.substring(0, 2) + "/" + KEY.substring(2);
      assertEquals(404, status(send("127.0.0.1", port, "GET", flat, "")));
      assertEquals(404, status(send("127.0.0.1", port, "HEAD", subdirs, "")));
      String refused = send("127.0.0.1", port, "PUT", subdirs, "not a cache value");
      assertEquals(400, status(refused), refused);
      assertTrue(refused.contains("not a result of key " + KEY), refused);
      assertEquals(404, status(send("127.0.0.1", port, "GET", "/ac/" + KEY, "")));
      assertEquals(413, status(send("127.0.0.1", port, "PUT", flat, "x".repeat(5000))));
      assertEquals(405, status(send("127.0.0.1", port, "DELETE", flat, "")));
      assertEquals(404, status(send("127.0.0.1", port, "GET", "/../etc/passwd", "")));
      assertEquals(404, status(send("127.0.0.1", port, "GET", "/" + KEY + "0", "")));
      assertTrue(d.log().contains("refused a value from 127.0.0.1: not a result"), d.log());
      assertEquals(0, d.summaries().size());
      Map<String, Double> metrics =
          PythonReaders.prometheus(
                  tmp, PythonReaders.get("127.0.0.1", "127.0.0.2", d.statsPort, "/metrics"))
              .samples();
      String name = "distcache_daemon_storage_requests_total{outcome=";
      assertEquals(3.0, metrics.get(name + "miss}"), metrics.toString());
      assertEquals(2.0, metrics.get(name + "refused}"), metrics.toString());
      assertEquals(0.0, metrics.get(name + "hit}"), metrics.toString());
      assertEquals(0.0, metrics.get(name + "stored}"), metrics.toString());
      assertEquals(0.0, metrics.get(name + "denied}"), metrics.toString());
    }
  }

  @Test
  void aPeerOutsideAllow_isRefused_andAStalledBody_holdsUpNobody() throws Exception {
    int port = Loopback.freePort("127.0.0.2");
    try (RemoteDaemon d =
        RemoteDaemon.on("127.0.0.2", tmp)
            .args("--storage-port", Integer.toString(port), "--allow", "127.0.0.9/32")
            .start()) {
      d.awaitLog("serving the shared cache tier");
      assertEquals(403, status(send("127.0.0.1", port, "GET", "/" + KEY, "")));
      assertTrue(d.log().contains("(storage) Warning: refused 127.0.0.1: not in --allow"), d.log());
      try (Socket stalled = connect("127.0.0.9", port)) {
        stalled
            .getOutputStream()
            .write(
                ("PUT /" + KEY + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc")
                    .getBytes(StandardCharsets.US_ASCII));
        stalled.getOutputStream().flush();
        assertEquals(404, status(send("127.0.0.9", port, "GET", "/" + KEY, "")));
      }
    }
  }

  private static Socket connect(String from, int port) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    s.connect(new InetSocketAddress("127.0.0.2", port), 10_000);
    s.setSoTimeout(30_000);
    return s;
  }

  /** One request from local address {@code from}; the whole answer, as text. */
  private static String send(String from, int port, String method, String path, String body)
      throws IOException {
    try (Socket s = connect(from, port)) {
      OutputStream out = s.getOutputStream();
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      out.write(
          (method
                  + " "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.2\r\nConnection: close\r\n"
                  + (method.equals("PUT") ? "Content-Length: " + b.length + "\r\n" : "")
                  + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(b);
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static int status(String answer) {
    assertTrue(answer.startsWith("HTTP/1.1 "), answer);
    return Integer.parseInt(answer.substring(9, 12));
  }
}
