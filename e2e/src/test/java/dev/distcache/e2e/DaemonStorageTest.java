package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Loopback;
import dev.distcache.testing.RemoteDaemon;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /**
   * With {@code --storage-write-allow}, the other {@code --allow} peers read what a writer stored
   * and cannot write, even a value the daemon would take from a writer.
   */
  @Test
  void onlyTheWriteAllowNetworks_write_andTheOthersRead() throws Exception {
    int port = Loopback.freePort("127.0.0.2");
    try (RemoteDaemon d =
        RemoteDaemon.on("127.0.0.2", tmp.resolve("daemon"))
            .args(
                "--storage-port",
                Integer.toString(port),
                "--allow",
                "127.0.0.0/8",
                "--storage-write-allow",
                "127.0.0.1")
            .start()) {
      d.awaitLog("serving the shared cache tier");
      String url = "http://127.0.0.2:" + port + "/";
      try (TierRunner writer = TierRunner.create(tmp, "writer", url + TierRunner.PATIENT)) {
        writer.build(2);
        writer.close();
        assertTrue(
            writer.stat("remote_storage_write") >= TierRunner.FILES, writer.stats().toString());
      }
      Matcher stored = Pattern.compile("stored ([0-9a-f]{64}) \\(").matcher(d.log());
      assertTrue(stored.find(), d.log());
      String path = "/" + stored.group(1);

      byte[][] read = exchange("127.0.0.9", port, "GET", path, new byte[0]);
      assertEquals(200, status(read), new String(read[0], StandardCharsets.US_ASCII));
      byte[] value = read[1];
      assertTrue(value.length > 0);
      byte[][] head = exchange("127.0.0.9", port, "HEAD", path, new byte[0]);
      assertEquals(200, status(head), new String(head[0], StandardCharsets.US_ASCII));
      assertEquals(0, head[1].length);
      byte[][] refused = exchange("127.0.0.9", port, "PUT", path, value);
      assertEquals(403, status(refused), new String(refused[0], StandardCharsets.US_ASCII));
      assertTrue(d.log().contains("refused a write from 127.0.0.9: it may only read"), d.log());
      byte[][] taken = exchange("127.0.0.1", port, "PUT", path, value);
      assertEquals(201, status(taken), new String(taken[0], StandardCharsets.US_ASCII));
      assertTrue(d.log().contains("stored " + stored.group(1)), d.log());
      assertArrayEquals(value, exchange("127.0.0.9", port, "GET", path, new byte[0])[1]);
    }
  }

  /** One request from {@code from}: the answer's head (through the blank line) and its body. */
  private static byte[][] exchange(String from, int port, String method, String path, byte[] body)
      throws IOException {
    try (Socket s = connect(from, port)) {
      OutputStream out = s.getOutputStream();
      out.write(
          (method
                  + " "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.2\r\nConnection: close\r\n"
                  + (method.equals("PUT") ? "Content-Length: " + body.length + "\r\n" : "")
                  + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      byte[] all = s.getInputStream().readAllBytes();
      for (int i = 0; i + 3 < all.length; i++) {
        if (all[i] == '\r' && all[i + 1] == '\n' && all[i + 2] == '\r' && all[i + 3] == '\n') {
          return new byte[][] {
            Arrays.copyOfRange(all, 0, i + 4), Arrays.copyOfRange(all, i + 4, all.length)
          };
        }
      }
      throw new AssertionError("no blank line after the head:\n" + new String(all));
    }
  }

  private static int status(byte[][] answer) {
    return status(new String(answer[0], StandardCharsets.US_ASCII));
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
    byte[][] answer = exchange(from, port, method, path, body.getBytes(StandardCharsets.UTF_8));
    return new String(answer[0], StandardCharsets.US_ASCII)
        + new String(answer[1], StandardCharsets.UTF_8);
  }

  private static int status(String answer) {
    assertTrue(answer.startsWith("HTTP/1.1 "), answer);
    return Integer.parseInt(answer.substring(9, 12));
  }
}
