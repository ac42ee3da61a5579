package dev.distcache.server.direct;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes device nodes and FIFOs in a test's own directory with mknod(1) and mkfifo(1) (device nodes
 * need root and a file system that allows them, as the tests have; a failure fails the test rather
 * than skipping it, so that nothing passes untested). The machine's /dev is never touched.
 */
final class Nodes {
  private Nodes() {}

  /** A character device node numbered {@code major}, {@code minor}. */
  static Path charDevice(Path at, int major, int minor) throws IOException {
    run("mknod", "-m", "666", at.toString(), "c", Integer.toString(major), Integer.toString(minor));
    return at;
  }

  static Path fifo(Path at) throws IOException {
    run("mkfifo", at.toString());
    return at;
  }

  private static void run(String... argv) throws IOException {
    Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", argv) + " failed: " + new String(p.getInputStream().readAllBytes()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
