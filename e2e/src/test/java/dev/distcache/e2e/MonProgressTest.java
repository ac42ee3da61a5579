package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distcache mon DELAY} during a build (issue 15): each screen starts with what was done
 * since mon started (hits, misses, not cacheable, the hit rate), what runs now, and the slowest
 * compiles; a compile held open by its compiler shows as running, and then as the slowest.
 */
class MonProgressTest {
  @TempDir Path tmp;
  Path work;
  Distcache dc;
  Process mon;

  @BeforeEach
  void setUp() throws IOException {
    work = tmp.resolve("work");
    for (int i = 1; i <= 3; i++) {
      Distcache.write(work.resolve("s" + i + ".c"), "int f" + i + "(void) { return " + i + "; }\n");
    }
    // A compiler that waits for the test's word before it compiles (and says it started).
    Path slow = work.resolve("slowcc");
    Files.writeString(
        slow,
        "#!/bin/sh\ntouch "
            + tmp.resolve("started")
            + "\nwhile [ ! -e "
            + tmp.resolve("release")
            + " ]; do sleep 0.05; done\nexec gcc \"$@\"\n");
    Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
    dc = new Distcache(tmp.resolve("cache"));
  }

  @AfterEach
  void tearDown() {
    if (mon != null) {
      mon.destroyForcibly();
    }
    dc.close();
  }

  @Test
  void eachScreen_showsDoneRunningHitRateAndSlowest_sinceMonStarted() throws Exception {
    dc.run(work, "gcc", "-c", "s1.c", "-o", "s1.o").ok(); // before mon: not counted
    Path screens = tmp.resolve("mon.out");
    ProcessBuilder pb =
        new ProcessBuilder(Distcache.LAUNCHER.toString(), "mon", "1")
            .directory(work.toFile())
            .redirectOutput(screens.toFile())
            .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(dc.env);
    mon = pb.start();
    awaitText(screens, "done 0: 0 hits (-), 0 misses, 0 not cacheable; running 0\n");

    dc.run(work, "gcc", "-c", "s1.c", "-o", "again.o").ok(); // a hit
    dc.run(work, "gcc", "-c", "s2.c", "-o", "s2.o").ok(); // a miss
    dc.run(work, "gcc", "s2.o", "-o", "prog"); // a link: not cacheable (and it fails: no main)
    ProcessBuilder slow =
        new ProcessBuilder(Distcache.LAUNCHER.toString(), "./slowcc", "-c", "s3.c", "-o", "s3.o")
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("held.out").toFile());
    slow.environment().clear();
    slow.environment().putAll(dc.env);
    Process held = slow.start();
    try {
      awaitFile(tmp.resolve("started"));
      awaitText(screens, "running 1\n");
      Thread.sleep(1200); // so that the held compile is the slowest, whatever the machine's load
    } finally {
      Files.writeString(tmp.resolve("release"), "");
    }
    assertTrue(held.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, held.exitValue(), Files.readString(tmp.resolve("held.out")));

    String last =
        awaitText(screens, "done 4: 1 hit (33.3%), 2 misses, 1 not cacheable; running 0\n");
    List<String> lines = last.lines().toList();
    int at = lines.indexOf("done 4: 1 hit (33.3%), 2 misses, 1 not cacheable; running 0");
    assertTrue(lines.get(at + 1).startsWith("slowest: "), last);
    assertTrue(lines.get(at + 1).matches("slowest: [0-9.]+ s s3\\.c \\(miss, local\\), .*"), last);
  }

  /** Waits (bounded) until the file holds {@code text}; returns the file's text. */
  private static String awaitText(Path file, String text) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    String seen = "";
    while (System.currentTimeMillis() < deadline) {
      seen = Files.exists(file) ? Files.readString(file) : "";
      if (seen.contains(text)) {
        return seen;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("mon never printed \"" + text.strip() + "\":\n" + seen);
  }

  private static void awaitFile(Path file) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!Files.exists(file) && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(Files.exists(file), "the held compiler never started");
  }
}
