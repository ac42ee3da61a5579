package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the servers' HTTP answers say, read by reference parsers rather than by the test's own
 * reading: Prometheus' text format by Prometheus' Python parser (Debian's
 * python3-prometheus-client, {@code parse_metrics.py}), JSON by Python's json module; and the plain
 * GET that fetches them from a chosen loopback address (so that {@code --allow} can be tried).
 */
final class PythonReaders {
  private PythonReaders() {}

  /** Samples by {@code name{label=value,...}} and each family's type. */
  record Metrics(Map<String, Double> samples, Map<String, String> types) {}

  /** An HTTP answer holding Prometheus text; fails the test when the parser refuses it. */
  static Metrics prometheus(Path dir, String answer) throws IOException {
    Path script = dir.resolve("parse_metrics.py");
    try (InputStream in = PythonReaders.class.getResourceAsStream("/parse_metrics.py")) {
      Files.write(script, in.readAllBytes());
    }
    Path input = Files.createTempFile(dir, "metrics", ".txt");
    Files.writeString(input, answer);
    Run r =
        Processes.run(
            dir,
            Map.of("PATH", "/usr/bin:/bin"),
            List.of(
                "sh",
                "-c",
                "exec /usr/bin/python3 \"$1\" < \"$2\"",
                "sh",
                script.toString(),
                input.toString()));
    assertEquals(0, r.exitCode(), "Prometheus' parser refused it: " + r.err() + "\n" + answer);
    Map<String, Double> samples = new HashMap<>();
    Map<String, String> types = new HashMap<>();
    for (String line : r.out().split("\n")) {
      String[] w = line.split(" ");
      if (w[0].equals("TYPE")) {
        types.put(w[1], w[2]);
      } else if (w.length == 2) {
        samples.put(w[0], Double.parseDouble(w[1]));
      }
    }
    return new Metrics(samples, types);
  }

  /**
   * A JSON object as Python's json module reads it: "a.b" keys for the members of the top object
   * and of its objects, their values as json.dumps writes them (strings bare, arrays whole).
   */
  static Map<String, String> json(Path dir, String text) throws IOException {
    Path input = Files.createTempFile(dir, "state", ".json");
    Files.writeString(input, text);
    String script =
        "import json,sys\n"
            + "d=json.load(open(sys.argv[1]))\n"
            + "for k,v in d.items():\n"
            + "  if isinstance(v,dict):\n"
            + "    for k2,v2 in v.items(): print(k+'.'+k2+'\\t'+json.dumps(v2))\n"
            + "  else: print(k+'\\t'+(v if isinstance(v,str) else json.dumps(v)))\n";
    Run r =
        Processes.run(
            dir,
            Map.of("PATH", "/usr/bin:/bin"),
            List.of("/usr/bin/python3", "-c", script, input.toString()));
    assertEquals(0, r.exitCode(), "Python's json refused it: " + r.err() + "\n" + text);
    Map<String, String> out = new HashMap<>();
    for (String line : r.out().split("\n")) {
      int tab = line.indexOf('\t');
      out.put(line.substring(0, tab), line.substring(tab + 1));
    }
    return out;
  }

  /**
   * GET {@code path} on {@code address:port}, connecting from the loopback address {@code source}.
   */
  static String get(String source, String address, int port, String path) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      s.connect(new InetSocketAddress(address, port), 10_000);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
