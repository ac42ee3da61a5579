package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive that {@code mvn package} makes (target/distcache-VERSION.tar.gz), as a user
 * on another machine gets it: unpacked, installed by its own bin/install into an empty prefix with
 * a PATH of only /usr/bin:/bin, then the unpacked copy removed, and a masquerade compile misses and
 * hits. {@link ReleaseArchiveDebianRootTest} installs the same archive on a clean Debian root.
 */
class ReleaseArchiveTest {
  private static final String SYSTEM_PATH = "/usr/bin:/bin";

  @TempDir Path tmp;

  @Test
  void archive_installsIntoAnEmptyPrefix_andTheInstallationCompilesWithoutIt() throws Exception {
    Path archive = archive();
    Map<String, String> env = new HashMap<>();
    env.put("PATH", SYSTEM_PATH);
    env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
    env.put("LC_ALL", "C");
    Path unpacked = Files.createDirectories(tmp.resolve("unpacked"));
    Processes.run(unpacked, env, List.of("tar", "-xzf", archive.toString())).ok("tar");
    Path top;
    try (Stream<Path> dirs = Files.list(unpacked)) {
      top = dirs.findFirst().orElseThrow();
    }
    String version = top.getFileName().toString();
    assertEquals(archive.getFileName().toString(), version + ".tar.gz");

    Path prefix = tmp.resolve("prefix");
    Processes.run(
            tmp, env, List.of(top.resolve("bin/install").toString(), "--prefix", prefix.toString()))
        .ok("the archive's bin/install");
    deleteTree(unpacked);
    assertTrue(Files.isRegularFile(prefix.resolve("share/man/man1/distcache.1")));
    assertTrue(Files.isRegularFile(prefix.resolve("lib/systemd/system/distcache-daemon.service")));

    env.put("PATH", prefix.resolve("lib/distcache/bin") + ":" + SYSTEM_PATH);
    env.put("DISTCACHE_DIR", tmp.resolve("cache").toString());
    env.put("DISTCACHE_HOSTS", "");
    Path work = Files.createDirectories(tmp.resolve("work"));
    Files.writeString(work.resolve("r.c"), "int released(void) { return 1; }\n");
    String distcache = prefix.resolve("bin/distcache").toString();
    try {
      sh(work, env, "gcc -c r.c -o one.o").ok("first compile");
      sh(work, env, "gcc -c r.c -o two.o").ok("second compile");
      Run stats = sh(work, env, distcache + " --print-stats").ok("--print-stats");
      assertTrue(stats.out().contains("cache_miss\t1\n"), stats.out());
      assertFalse(
          stats.out().contains("direct_cache_hit\t0\n")
              && stats.out().contains("preprocessed_cache_hit\t0\n"),
          stats.out());
      sh(work, env, "/usr/bin/gcc -c r.c -o plain.o").ok("plain gcc");
      byte[] plain = Files.readAllBytes(work.resolve("plain.o"));
      assertArrayEquals(plain, Files.readAllBytes(work.resolve("one.o")));
      assertArrayEquals(plain, Files.readAllBytes(work.resolve("two.o")));
    } finally {
      sh(work, env, distcache + " server stop");
    }
  }

  /** The archive {@code mvn package} made. */
  static Path archive() throws IOException {
    try (Stream<Path> files = Files.list(Distcache.ROOT.resolve("target"))) {
      return files
          .filter(f -> f.getFileName().toString().matches("distcache-.*\\.tar\\.gz"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("mvn package made no release archive"));
    }
  }

  private static Run sh(Path cwd, Map<String, String> env, String command) {
    return Processes.run(cwd, env, List.of("/bin/sh", "-c", command));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
