package dev.distcache.remote.job;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One job's private directory (mode 0700) under the daemon's temporary directory: the input, the
 * output and the compiler's captured output in protocols 1 and 2; in pump mode also {@code root},
 * where the client's files are recreated. The daemon chooses every name in it. Closing removes it
 * without following links. Its name holds the daemon's pid ({@code distcache-job-PID-N}), so a
 * daemon starting later removes what a killed one left behind ({@link #removeStale}).
 */
public final class JobWorkspace implements AutoCloseable {
  private static final String PREFIX = "distcache-job-";
  private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "([0-9]+)-[0-9]+");

  private final Path dir;

  private JobWorkspace(Path dir) {
    this.dir = dir;
  }

  static JobWorkspace create(Path tmpTop) throws IOException {
    Files.createDirectories(tmpTop);
    return new JobWorkspace(
        Files.createTempDirectory(
                tmpTop,
                PREFIX + ProcessHandle.current().pid() + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
            .toRealPath());
  }

  /** Removes the job directories of daemons that no longer run; returns how many. */
  public static int removeStale(Path tmpTop) {
    int removed = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmpTop, PREFIX + "*")) {
      for (Path p : entries) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches()
            && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
            && Files.isWritable(p)
            && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
          try {
            new JobWorkspace(p).close();
            removed++;
          } catch (IOException e) {
            // Someone else's, or half removed: leave it.
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // No temporary directory yet, or unreadable: nothing to clean.
    }
    return removed;
  }

  Path dir() {
    return dir;
  }

  /** Pump mode: the directory standing for the client's {@code /}. */
  Path root() {
    return dir.resolve("root");
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  @Override
  public void close() throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            d.toFile().setWritable(true, true); // a compile may have left a read-only directory
            d.toFile().setExecutable(true, true);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            Files.delete(f);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
