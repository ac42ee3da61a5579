package dev.distcache.daemon.remote;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * One job's private directory (mode 0700) under the daemon's temporary directory: the input, the
 * output and the compiler's captured output in protocols 1 and 2; in pump mode also {@code root},
 * where the client's files are recreated. The daemon chooses every name in it. Closing removes it
 * without following links.
 */
final class JobWorkspace implements AutoCloseable {
  private final Path dir;

  private JobWorkspace(Path dir) {
    this.dir = dir;
  }

  static JobWorkspace create(Path tmpTop) throws IOException {
    Files.createDirectories(tmpTop);
    return new JobWorkspace(Files.createTempDirectory(tmpTop, "distcache-job-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))).toRealPath());
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
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
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
