package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's chromium, headless, as the web monitor's tests drive it: {@code --dump-dom} prints the
 * page's DOM once its scripts have run (a virtual-time budget lets the first polls of {@code
 * api/state} complete), {@code --screenshot} writes a PNG. Each run has a private home and profile
 * under {@code dir}, so nothing of the machine's user is read or written.
 */
final class Chromium {
  private final Path dir;

  Chromium(Path dir) {
    this.dir = dir;
  }

  /** The DOM of {@code url} after its scripts ran. */
  String dumpDom(String url) {
    return run("--dump-dom", url).out();
  }

  /** A 1280x900 screenshot of {@code url} into {@code png}. */
  void screenshot(String url, Path png) throws IOException {
    Files.createDirectories(png.getParent());
    Files.deleteIfExists(png);
    run("--screenshot=" + png, "--window-size=1280,900", url);
    assertTrue(Files.size(png) > 1000, "chromium wrote no screenshot to " + png);
  }

  private Run run(String... args) {
    Path home = dir.resolve("chromium-home");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--user-data-dir=" + home.resolve("profile"),
                "--virtual-time-budget=4000"));
    cmd.addAll(List.of(args));
    Run r =
        Processes.run(
            dir,
            Map.of("HOME", home.toString(), "PATH", "/usr/bin:/bin", "LANG", "C.UTF-8"),
            cmd,
            120);
    assertEquals(0, r.exitCode(), "chromium failed: " + r.err());
    return r;
  }
}
