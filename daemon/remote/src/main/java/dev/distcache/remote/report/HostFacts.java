package dev.distcache.remote.report;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The facts about the machine that distccd's stats page reports, read from /proc as distccd does:
 * load averages, processes in uninterruptible sleep, the process with the largest resident set,
 * disk I/O per second (completed reads and writes of whole disks, over at least 50 s; -1 until
 * then), and free space where jobs run. Every reader returns a neutral value when /proc cannot be
 * read. Thread-safe.
 */
public final class HostFacts {
  private static final Path PROC = Path.of("/proc");
  private static final long PAGE_KB = 4;

  /**
   * Processes in state D, and the largest resident set in KiB with its process name as "(comm)".
   */
  record Processes(int uninterruptible, long maxRssKb, String maxRssName) {}

  private final Path tmpTop;
  private long ioLastMillis;
  private long ioLastTotal = -1;
  private int ioRate = -1;

  public HostFacts(Path tmpTop) {
    this.tmpTop = tmpTop;
  }

  public static double[] loadAverages() {
    try {
      String[] f = Files.readString(PROC.resolve("loadavg")).trim().split("\\s+");
      return new double[] {
        Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])
      };
    } catch (IOException | RuntimeException e) {
      return new double[] {0, 0, 0};
    }
  }

  public static Processes processes() {
    int d = 0;
    long max = 0;
    String name = "none";
    try (DirectoryStream<Path> pids =
        Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("[0-9]+"))) {
      for (Path pid : pids) {
        String stat;
        try {
          stat = Files.readString(pid.resolve("stat"));
        } catch (IOException e) {
          continue; // gone meanwhile
        }
        int close = stat.lastIndexOf(')');
        int open = stat.indexOf('(');
        if (close < 0 || open < 0) {
          continue;
        }
        String[] f = stat.substring(close + 2).split(" ");
        if (f[0].equals("D")) {
          d++;
        }
        long rss = f.length > 21 ? Long.parseLong(f[21]) * PAGE_KB : 0;
        if (rss > max) {
          max = rss;
          name = stat.substring(open, close + 1);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Report what was counted.
    }
    return new Processes(d, max, name);
  }

  /**
   * Completed disk reads and writes per second, updated at most every 50 s; -1 before two readings.
   */
  public synchronized int ioRate(long nowMillis) {
    if (ioLastTotal >= 0 && nowMillis - ioLastMillis < 50_000) {
      return ioRate;
    }
    long total = diskOperations();
    if (total >= 0 && ioLastTotal >= 0) {
      ioRate = (int) ((total - ioLastTotal) * 1000 / Math.max(1, nowMillis - ioLastMillis));
    }
    ioLastTotal = total;
    ioLastMillis = nowMillis;
    return ioRate;
  }

  /** Free space where jobs run, in MB as distccd prints it (MiB). */
  public long freeSpaceMb() {
    try {
      return Files.getFileStore(Files.exists(tmpTop) ? tmpTop : Path.of("/tmp")).getUsableSpace()
          >> 20;
    } catch (IOException e) {
      return -1;
    }
  }

  private static long diskOperations() {
    try {
      long sum = 0;
      List<String> lines = Files.readAllLines(PROC.resolve("diskstats"));
      for (String line : lines) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 8
            || Files.exists(Path.of("/sys/class/block", f[2], "partition"))
            || f[2].toLowerCase(Locale.ROOT).startsWith("loop")
            || f[2].startsWith("ram")) {
          continue;
        }
        sum += Long.parseLong(f[3]) + Long.parseLong(f[7]);
      }
      return sum;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
