import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.core.args.Classification;
import dev.distcache.core.args.Invocation;
import dev.distcache.hashing.Blake3;
import dev.distcache.hashing.CompileKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.bouncycastle.crypto.digests.Blake3Digest;

/**
 * Throughput of BLAKE3 in this JVM: Bouncy Castle's Blake3Digest against distcache's Blake3, warm,
 * on 1 KiB, 64 KiB, 1 MiB and 16 MiB inputs; and the time of CompileKeys.compute on a preprocessed
 * file. Run by bench/blake3/run, which chooses the JVM options. Samples of the two implementations
 * alternate within each round; the report gives the median, p10 and p90 over rounds. Times are the
 * thread's CPU time, not wall-clock time, so that other jobs on a shared machine disturb less.
 *
 * <p>Arguments: [--rounds N] [--mib-per-sample N] [--keys FILE] [--key-calls N].
 */
public final class Blake3Bench {
  private static final int[] SIZES = {1 << 10, 1 << 16, 1 << 20, 1 << 24};
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();
  private static long sink;

  interface Hasher {
    byte[] hash(byte[] b);
  }

  public static void main(String[] args) throws Exception {
    int rounds = 11;
    int mibPerSample = 64;
    Path keysFile = null;
    int keyCalls = 40;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--mib-per-sample" -> mibPerSample = Integer.parseInt(args[i + 1]);
        case "--keys" -> keysFile = Path.of(args[i + 1]);
        case "--key-calls" -> keyCalls = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Map<String, Hasher> impls = new java.util.LinkedHashMap<>();
    impls.put(
        "bc",
        b -> {
          Blake3Digest d = new Blake3Digest(256);
          d.update(b, 0, b.length);
          byte[] out = new byte[32];
          d.doFinal(out, 0);
          return out;
        });
    impls.put("distcache", Blake3::hash);

    System.out.printf(
        Locale.ROOT,
        "# java %s, options: %s%n",
        System.getProperty("java.version"),
        String.join(
            " ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
    byte[][] inputs = new byte[SIZES.length][];
    Random random = new Random(42);
    for (int s = 0; s < SIZES.length; s++) {
      inputs[s] = new byte[SIZES[s]];
      random.nextBytes(inputs[s]);
    }
    check(impls, inputs);
    long bytesPerSample = (long) mibPerSample << 20;
    // Warm-up: every implementation on every size, untimed, until the JIT has settled.
    for (int w = 0; w < 3; w++) {
      for (Hasher h : impls.values()) {
        for (byte[] in : inputs) {
          sample(h, in, bytesPerSample / 2);
        }
      }
    }
    double[][][] mbps = new double[impls.size()][SIZES.length][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int s = 0; s < SIZES.length; s++) {
        int i = 0;
        for (Hasher h : impls.values()) {
          mbps[i++][s][r] = sample(h, inputs[s], bytesPerSample);
        }
      }
    }
    System.out.printf(
        Locale.ROOT, "%-10s %-10s %10s %10s %10s%n", "size", "impl", "MB/s p50", "p10", "p90");
    for (int s = 0; s < SIZES.length; s++) {
      int i = 0;
      for (String name : impls.keySet()) {
        double[] v = mbps[i++][s];
        Arrays.sort(v);
        System.out.printf(
            Locale.ROOT,
            "%-10s %-10s %10.0f %10.0f %10.0f%n",
            size(SIZES[s]),
            name,
            pct(v, 50),
            pct(v, 10),
            pct(v, 90));
      }
    }
    if (keysFile != null) {
      keys(keysFile, keyCalls);
    }
    if (sink == 42) {
      System.out.println();
    }
  }

  /** Both implementations agree on every input before anything is timed. */
  private static void check(Map<String, Hasher> impls, byte[][] inputs) {
    for (byte[] in : inputs) {
      byte[] expected = null;
      for (var e : impls.entrySet()) {
        byte[] got = e.getValue().hash(in);
        if (expected != null && !Arrays.equals(expected, got)) {
          throw new AssertionError(e.getKey() + " differs on " + in.length + " bytes");
        }
        expected = got;
      }
    }
  }

  /**
   * Hashes {@code in} whole, repeatedly, about {@code bytes} in total; returns MB/s (10^6 bytes).
   */
  private static double sample(Hasher h, byte[] in, long bytes) {
    long reps = Math.max(1, bytes / in.length);
    long t0 = THREADS.getCurrentThreadCpuTime();
    for (long k = 0; k < reps; k++) {
      sink += h.hash(in)[0];
    }
    long ns = THREADS.getCurrentThreadCpuTime() - t0;
    return reps * (double) in.length * 1e3 / ns;
  }

  /**
   * CompileKeys.compute for a g++ compile whose preprocessed text is the file's content: without
   * base_dir, and with base_dir set to the file's directory (its line markers then name the source
   * under base_dir, so the text is rewritten and hashed a second time for the exact hash).
   */
  private static void keys(Path file, int calls) throws Exception {
    byte[] text = Files.readAllBytes(file);
    Path cwd = file.toAbsolutePath().getParent();
    Classification c = ArgsClassifier.classify("g++", List.of("-O2", "-c", "x.cpp"), cwd, Map.of());
    Invocation inv = ((Classification.Cacheable) c).invocation();
    for (String baseDir : List.of("", cwd.toString())) {
      CompileKeys.Inputs in =
          new CompileKeys.Inputs(
              "name=g++;mtime:/usr/bin/g++:1:2",
              inv,
              cwd,
              Map.of(),
              text,
              baseDir,
              false,
              Set.of(),
              List.of(),
              "");
      List<Double> ms = new ArrayList<>();
      for (int i = 0; i < calls * 2; i++) {
        long t0 = THREADS.getCurrentThreadCpuTime();
        sink += CompileKeys.compute(in, false).key().hashCode();
        long ns = THREADS.getCurrentThreadCpuTime() - t0;
        if (i >= calls) { // the first half warms up
          ms.add(ns / 1e6);
        }
      }
      double[] v = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      System.out.printf(
          Locale.ROOT,
          "CompileKeys.compute, %d bytes of preprocessed C++, base_dir %s: median %.2f ms CPU"
              + " (p10 %.2f, p90 %.2f)%n",
          text.length,
          baseDir.isEmpty() ? "unset" : "set",
          pct(v, 50),
          pct(v, 10),
          pct(v, 90));
    }
  }

  private static double pct(double[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.round((sorted.length - 1) * p / 100.0))];
  }

  private static String size(int n) {
    return n >= 1 << 20 ? (n >> 20) + " MiB" : (n >> 10) + " KiB";
  }
}
