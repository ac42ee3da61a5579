package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * The release archive on a clean Debian root, as issue 14 asks: debootstrap makes Debian 13
 * (trixie, whose archive has a Java 25 runtime; Debian 12's has none) from its minimal base plus
 * Debian's own {@code openjdk-25-jre-headless} (a runtime, not the JDK the build used) and gcc. The
 * archive is installed there by its own bin/install, the unpacked copy removed, and a masquerade
 * compile misses and then hits with gcc's object.
 *
 * <p>The root is made once per machine ({@code /var/cache/distcache-tests/debian-trixie}, a few
 * minutes; outside the checkout, so that no build or scan of the tree walks it) and never written
 * by the test: everything it writes goes to a tmpfs mounted on the root's /tmp in a private mount
 * namespace, with the root's own /proc. The root's /dev holds the device nodes debootstrap made
 * there, not the machine's.
 */
class ReleaseArchiveDebianRootTest {
  private static final Path ROOT = Path.of("/var/cache/distcache-tests/debian-trixie");
  private static final Path COMPLETE = ROOT.resolve(".distcache-root-complete");
  private static final String MIRROR = "http://deb.debian.org/debian";
  private static final Map<String, String> HOST_ENV =
      Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL", "C", "HOME", "/root");

  /** Runs in the root: installs the archive and compiles twice through the masquerade link. */
  private static final String SCRIPT =
      """
      set -eu
      mkdir /tmp/home /tmp/work
      cd /tmp
      tar -xzf /tmp/archive.tar.gz
      top=$(ls -d /tmp/distcache-*/)
      "$top/bin/install" --prefix /tmp/prefix > /tmp/install.log 2>&1 || { cat /tmp/install.log; exit 1; }
      rm -rf "$top" /tmp/archive.tar.gz
      echo "java: $(cat /tmp/prefix/lib/distcache/target/java.path)"
      echo "javac: $(ls /usr/lib/jvm/*/bin/javac 2>/dev/null | wc -l)"
      cd /tmp/work
      printf 'int released(void) { return 1; }\\n' > r.c
      export DISTCACHE_DIR=/tmp/cache DISTCACHE_HOSTS=
      PATH=/tmp/prefix/lib/distcache/bin:/usr/bin:/bin gcc -c r.c -o one.o
      PATH=/tmp/prefix/lib/distcache/bin:/usr/bin:/bin gcc -c r.c -o two.o
      /tmp/prefix/bin/distcache --print-stats | grep -E '^(cache_miss|direct_cache_hit)\\s'
      /usr/bin/gcc -c r.c -o plain.o
      cmp plain.o one.o && cmp plain.o two.o && echo "objects: gcc's"
      /tmp/prefix/bin/distcache server stop
      """;

  @Test
  void archive_installsOnACleanDebianRootWithOnlyAJre25_andTheInstallationCompiles()
      throws Exception {
    Path archive = ReleaseArchiveTest.archive();
    ensureRoot();
    // unshare: the mounts vanish with the namespace, and every process in it (the server the
    // compiles start, should the script stop early) ends with its first; chroot with an
    // environment of its own.
    String inside =
        "mount -t proc proc \"$R/proc\" && mount -t tmpfs tmpfs \"$R/tmp\""
            + " && cp \"$A\" \"$R/tmp/archive.tar.gz\""
            + " && exec chroot \"$R\" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp/home LC_ALL=C"
            + " /bin/sh -c \"$S\"";
    Map<String, String> env = new HashMap<>(HOST_ENV);
    env.put("R", ROOT.toString());
    env.put("A", archive.toString());
    env.put("S", SCRIPT);
    Run run =
        Processes.run(
            ROOT.getParent(),
            env,
            List.of(
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "--pid",
                "--fork",
                "/bin/sh",
                "-c",
                inside),
            600);
    String out = run.out();
    assertEquals(0, run.exitCode(), "in the Debian root:\n" + out + run.err());
    assertTrue(
        out.contains("java: /usr/lib/jvm/java-25-openjdk-amd64/bin/java\n"),
        "bin/install took Debian's JRE 25:\n" + out);
    assertTrue(out.contains("javac: 0\n"), "a runtime only, no JDK:\n" + out);
    assertTrue(out.matches("(?s).*cache_miss\\s+1\n.*"), out);
    assertTrue(out.matches("(?s).*direct_cache_hit\\s+1\n.*"), out);
    assertTrue(out.contains("objects: gcc's\n"), out);
  }

  /** Makes the root with debootstrap unless a complete one is there; a partial one is redone. */
  private static synchronized void ensureRoot() throws IOException {
    if (Files.isRegularFile(COMPLETE)) {
      return;
    }
    if (Files.exists(ROOT)) {
      Processes.run(Distcache.ROOT, HOST_ENV, List.of("rm", "-rf", ROOT.toString())).ok("rm");
    }
    Files.createDirectories(ROOT.getParent());
    Run made =
        Processes.run(
            Distcache.ROOT,
            HOST_ENV,
            List.of(
                "debootstrap",
                "--variant=minbase",
                "--include=openjdk-25-jre-headless,gcc,libc6-dev",
                "trixie",
                ROOT.toString(),
                MIRROR),
            1800);
    if (made.exitCode() != 0) {
      String log = tail(ROOT.resolve("debootstrap/debootstrap.log"));
      throw new AssertionError(
          "debootstrap of Debian 13 failed (it needs "
              + MIRROR
              + "):\n"
              + made.out()
              + made.err()
              + log);
    }
    Files.writeString(COMPLETE, "made by ReleaseArchiveDebianRootTest\n");
  }

  private static String tail(Path log) throws IOException {
    if (!Files.isRegularFile(log)) {
      return "";
    }
    try (Stream<String> lines = Files.lines(log)) {
      List<String> all = lines.toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
    }
  }
}
