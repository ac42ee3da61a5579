import dev.distcache.core.CacheLayout;
import dev.distcache.core.wire.Reply;
import dev.distcache.core.wire.Request;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A measuring tool, not a test: sends one compile request to a running local server many times over
 * its socket and prints the round-trip time's median and percentiles, which is the server's side of
 * a hit as a client sees it (the client's own start-up excluded). {@code bench/latency/run} stores
 * one compile and runs it; by hand, with the server started by {@code bin/distcache server start}
 * and one compile already stored:
 *
 * <pre>
 * java -cp 'target/lib/*' bench/latency/HitLatency.java CACHE_DIR CWD ROUNDS gcc -c hello.c -o hit.o
 * </pre>
 */
public final class HitLatency {
  private HitLatency() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 4) {
      System.err.println("usage: HitLatency CACHE_DIR CWD ROUNDS COMPILER ARGS...");
      System.exit(2);
    }
    CacheLayout layout = new CacheLayout(Path.of(args[0]).toAbsolutePath());
    String cwd = Path.of(args[1]).toAbsolutePath().toString();
    int rounds = Integer.parseInt(args[2]);
    List<String> argv = List.of(Arrays.copyOfRange(args, 3, args.length));
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("DISTCACHE_DIR", layout.cacheDir().toString());
    Request req = new Request(Request.Mode.COMPILE, cwd, 022, 0, "", argv, env);
    int warmup = Math.max(50, rounds / 4);
    long[] nanos = new long[rounds];
    for (int i = -warmup; i < rounds; i++) {
      long t0 = System.nanoTime();
      Reply reply = send(layout, req);
      long t1 = System.nanoTime();
      if (reply.kind() != Reply.Kind.RESULT || reply.exitCode() != 0) {
        System.err.println("not a successful result: " + reply.kind() + " " + reply.message());
        System.exit(1);
      }
      if (i >= 0) {
        nanos[i] = t1 - t0;
      }
    }
    Arrays.sort(nanos);
    System.out.printf(
        Locale.ROOT,
        "rounds %d  median %.3f ms  p10 %.3f  p90 %.3f  p99 %.3f%n",
        rounds,
        ms(nanos, 0.5),
        ms(nanos, 0.1),
        ms(nanos, 0.9),
        ms(nanos, 0.99));
  }

  private static double ms(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
  }

  private static Reply send(CacheLayout layout, Request req) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(layout.socket()));
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16));
      req.writeTo(out);
      return Reply.readFrom(
          new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), 1 << 16)));
    }
  }
}
