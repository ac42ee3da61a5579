package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Run;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shared cache directory the user cannot write (root's, mode 0755), used by another user ({@code
 * nobody}, through setpriv) with {@code read_only}: the store is opened read-only, hits are served,
 * misses compile, and nothing in the cache directory is created or changed. The server's socket,
 * locks and output live in the user's private directory instead.
 */
class ReadOnlyCacheTest {
  private static final String USER = "nobody";

  @TempDir Path tmp;
  Path shared;
  Path work;
  Distcache owner;
  Distcache user;

  @BeforeEach
  void setUp() throws IOException {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    shared = tmp.resolve("shared");
    work = tmp.resolve("work");
    Distcache.write(work.resolve("a.c"), "int a(int x) { return x * 3 + 1; }\n");
    Distcache.write(work.resolve("b.c"), "int b(int x) { return x * 5 + 2; }\n");
    UserPrincipal nobody =
        FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(USER);
    for (Path p : List.of(work, work.resolve("a.c"), work.resolve("b.c"))) {
      Files.setOwner(p, nobody);
    }
    owner = new Distcache(shared);
    user = new Distcache(shared);
    for (Distcache d : List.of(owner, user)) {
      d.env.remove(
          "XDG_RUNTIME_DIR"); // root's; the user's private directory is /tmp/distcache-nobody
    }
    user.with("HOME", "/nonexistent");
  }

  @AfterEach
  void tearDown() {
    asUser("server", "stop");
    owner.close();
  }

  @Test
  void readOnly_withAnotherUsersCache_servesHits_compilesMisses_andWritesNothingThere()
      throws IOException {
    // Shared as ccache users share a cache: umask = 022 in its configuration (the store would be
    // mode 0700 without it).
    Distcache.write(shared.resolve("distcache.conf"), "umask = 022\n");
    owner
        .exec(
            work,
            "sh",
            "-c",
            "umask 022 && exec \"$@\"",
            "sh",
            Distcache.LAUNCHER.toString(),
            "gcc",
            "-c",
            "a.c",
            "-o",
            "owner.o")
        .ok();
    owner.run(work, "server", "stop").ok();
    assertEquals(
        "rwxr-xr-x",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(shared.resolve("store"))));
    Map<String, String> before = files(shared);

    user.with("DISTCACHE_READONLY", "1");
    Run hit = asUser("gcc", "-c", "a.c", "-o", "hit.o");
    Run miss = asUser("gcc", "-c", "b.c", "-o", "b.o");
    Run again = asUser("gcc", "-c", "b.c", "-o", "b2.o");
    Map<String, Long> stats = printStats();

    for (Run r : List.of(hit, miss, again)) {
      assertEquals(0, r.exitCode(), r.err());
      assertEquals("", r.out() + r.err(), "the compiler's output only, which is none");
    }
    assertSameAsGcc("a.c", "hit.o");
    assertSameAsGcc("b.c", "b.o");
    assertSameAsGcc("b.c", "b2.o");
    assertEquals(
        1, stats.get("direct_cache_hit") + stats.get("preprocessed_cache_hit"), stats.toString());
    assertEquals(3, stats.get("cache_miss"), "the owner's miss and b.c twice: " + stats);
    assertEquals(2, stats.get("files_in_cache"), "the owner's result and manifest only");
    Run zero = asUser("-z");
    assertEquals(1, zero.exitCode());
    assertTrue(zero.err().contains("it is open read-only"), zero.err());
    assertFalse(zero.err().contains("Exception"), zero.err());
    assertEquals(before, files(shared), "nothing in the shared cache was created or changed");
    String serverOutput = Files.readString(runFile("out"));
    assertFalse(serverOutput.contains("Exception"), serverOutput);
    assertTrue(Files.exists(runFile("sock")), "the socket is in the user's private directory");
  }

  @Test
  void withoutReadOnly_anUnwritableCache_isNotUsed_andCompilesStillWork() throws IOException {
    owner.run(work, "gcc", "-c", "a.c", "-o", "owner.o").ok();
    owner.run(work, "server", "stop").ok();
    shareReadOnly();
    Map<String, String> before = files(shared);

    Run r = asUser("gcc", "-c", "a.c", "-o", "plain.o");

    assertEquals(0, r.exitCode(), r.err());
    assertEquals("", r.out() + r.err());
    assertSameAsGcc("a.c", "plain.o");
    assertEquals(before, files(shared));
    String serverOutput = Files.readString(runFile("out"));
    assertTrue(serverOutput.contains("set read_only = true"), serverOutput);
    assertFalse(serverOutput.contains("Exception"), serverOutput);
  }

  /** The cache made readable by others by hand: directories 0755, files 0644, all root's. */
  private void shareReadOnly() throws IOException {
    try (Stream<Path> all = Files.walk(shared)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Files.setPosixFilePermissions(
            p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }

  /** {@code distcache args...} in the work directory as {@value #USER}. */
  private Run asUser(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=" + USER,
                "--regid=nogroup",
                "--clear-groups",
                Distcache.LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    return user.exec(work, cmd.toArray(String[]::new));
  }

  private Map<String, Long> printStats() {
    Map<String, Long> out = new TreeMap<>();
    for (String line : asUser("--print-stats").ok().out().split("\n")) {
      String[] kv = line.split("\t");
      if (kv.length == 2 && kv[1].matches("\\d+")) {
        out.put(kv[0], Long.parseLong(kv[1]));
      }
    }
    return out;
  }

  /** One of the server's files in {@value #USER}'s private directory, named as CacheLayout does. */
  private Path runFile(String suffix) {
    long h = 0xcbf29ce484222325L;
    for (byte b : shared.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return Path.of("/tmp/distcache-" + USER, String.format("%016x.%s", h, suffix));
  }

  private void assertSameAsGcc(String source, String object) {
    owner.direct(work, "gcc", "-c", source, "-o", "direct.o").ok();
    assertArrayEquals(
        Distcache.read(work.resolve("direct.o")), Distcache.read(work.resolve(object)), object);
  }

  /** Every file under {@code root} with its size, modification time and mode. */
  private static Map<String, String> files(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        out.put(
            root.relativize(p).toString(),
            a.size()
                + " "
                + a.lastModifiedTime().toMillis()
                + " "
                + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
      }
    }
    return out;
  }
}
