import dev.distcache.server.direct.FileStat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Microseconds a stat of a header: FileStat.of against Files.readAttributes of the attributes
 * FileStat reads, alternating within each round. Run by bench/filestat/run.
 *
 * <p>Arguments: HEADERS-FILE [--rounds N].
 */
public final class FileStatBench {
  private static final String ATTRIBUTES =
      "unix:size,lastModifiedTime,ctime,ino,dev,isRegularFile,mode,rdev";
  private static long sink;

  public static void main(String[] args) throws Exception {
    List<Path> headers = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (!line.isBlank()) {
        headers.add(Path.of(line.trim()));
      }
    }
    int rounds = args.length > 2 && args[1].equals("--rounds") ? Integer.parseInt(args[2]) : 40;
    int passes = 2000;
    double[] fast = new double[rounds];
    double[] java = new double[rounds];
    for (int warm = 0; warm < 3; warm++) {
      time(headers, passes, true);
      time(headers, passes, false);
    }
    for (int r = 0; r < rounds; r++) {
      fast[r] = time(headers, passes, true);
      java[r] = time(headers, passes, false);
    }
    Arrays.sort(fast);
    Arrays.sort(java);
    double f = fast[rounds / 2];
    double j = java[rounds / 2];
    System.out.printf(
        Locale.ROOT,
        "%d headers, %d rounds: FileStat.of %.2f us a stat, Files.readAttributes %.2f us (%.2fx)%n",
        headers.size(),
        rounds,
        f,
        j,
        j / f);
    if (sink == 42) {
      System.out.println();
    }
  }

  /** Microseconds a stat over {@code passes} passes over the headers. */
  private static double time(List<Path> headers, int passes, boolean fast) throws Exception {
    long start = System.nanoTime();
    for (int p = 0; p < passes; p++) {
      for (Path h : headers) {
        if (fast) {
          sink += FileStat.of(h).size();
        } else {
          Map<String, Object> a = Files.readAttributes(h, ATTRIBUTES);
          sink += (Long) a.get("size");
        }
      }
    }
    return (System.nanoTime() - start) / 1e3 / passes / headers.size();
  }
}
