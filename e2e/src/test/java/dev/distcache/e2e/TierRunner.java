package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.distcache.testing.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A CI runner of the shared tier's tests: a cache directory and a checkout of its own, the checkout
 * under the base_dir that every runner of the test shares (CI checks out at different paths), and
 * {@code remote_storage} set. It builds a generated make project with {@code make -jN CC="distcache
 * gcc"} through the native client. Closing it stops its server, which flushes the writes it queued
 * for the remote storage.
 */
final class TierRunner implements AutoCloseable {
  /** The project's size: enough files that a share of them is a meaningful percentage. */
  static final int FILES = 40;

  /**
   * The timeouts for a healthy server on a loaded CI machine. The default connect timeout (100 ms,
   * ccache's) suits a LAN; on two shared cores with JVMs warming up, a loopback connect now and
   * then takes longer, and the backoff that follows would make a sharing test measure the machine's
   * load. The fault tests keep short timeouts where they test timeouts.
   */
  static final String PATIENT = "|connect-timeout=2000|operation-timeout=20000";

  final Distcache dc;
  final Path checkout;
  final Path log;

  private TierRunner(Distcache dc, Path checkout, Path log) {
    this.dc = dc;
    this.checkout = checkout;
    this.log = log;
  }

  /**
   * Runner {@code name} under {@code root}: cache directory {@code root/name-cache}, checkout
   * {@code root/x/name} (base_dir {@code root/x}), log {@code root/name.log}, and {@code
   * remoteStorage} as DISTCACHE_REMOTE_STORAGE (none when empty).
   */
  static TierRunner create(Path root, String name, String remoteStorage) {
    Path checkout = root.resolve("x").resolve(name);
    GeneratedProject.create(checkout, FILES);
    Path log = root.resolve(name + ".log");
    Distcache dc =
        new Distcache(root.resolve(name + "-cache"))
            .with("DISTCACHE_BASEDIR", root.resolve("x").toString())
            .with("DISTCACHE_LOGFILE", log.toString());
    if (!remoteStorage.isEmpty()) {
      dc.with("DISTCACHE_REMOTE_STORAGE", remoteStorage);
    }
    return new TierRunner(dc, checkout, log);
  }

  /** Sets a DISTCACHE_ variable for this runner's commands (before its server starts). */
  TierRunner with(String key, String value) {
    dc.with(key, value);
    return this;
  }

  /** {@code make -s -jN} through distcache, after a {@code make clean}; fails unless make does. */
  Run build(int jobs) {
    dc.exec(checkout, "make", "-s", "clean").ok();
    return dc.exec(
            checkout, "make", "-s", "-j" + jobs, "CC=" + Distcache.masqueradeTarget() + " gcc")
        .ok("make through distcache");
  }

  /** The objects and dependency files the last build left, by file name. */
  Map<String, byte[]> objects() {
    return GeneratedProject.objects(checkout);
  }

  /**
   * Checks {@code built} against a plain gcc build of this checkout, then leaves the plain build's
   * outputs in place.
   */
  void assertSameAsPlainBuild(Map<String, byte[]> built) {
    dc.exec(checkout, "make", "-s", "clean").ok();
    dc.direct(checkout, "make", "-s", "-j2", "CC=gcc").ok("plain make");
    assertSameFiles(GeneratedProject.objects(checkout), built);
  }

  static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet(), "the same outputs");
    expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name));
  }

  long stat(String id) {
    return dc.stat(id);
  }

  Map<String, Long> stats() {
    return dc.stats();
  }

  /** The log's lines that contain {@code text}. */
  List<String> logLines(String text) {
    List<String> out = new ArrayList<>();
    try {
      if (Files.exists(log)) {
        for (String line : Files.readAllLines(log)) {
          if (line.contains(text)) {
            out.add(line);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Stops the server: its queued remote writes are flushed before it exits. */
  @Override
  public void close() {
    dc.close();
  }
}
