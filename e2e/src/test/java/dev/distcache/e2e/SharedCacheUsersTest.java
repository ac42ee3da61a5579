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
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Portage's set-up with real users (docs/integration/sharing.md): compiles run as {@code portage}
 * (here {@value #PORTAGE}, through setpriv, umask 002) on a cache directory {@code root:portage}
 * mode 2775, while root administers it. The group's compiling user runs the server; root's {@code
 * -s} and {@code -z} reach that server; root's compiles and those of a user outside the group run
 * the compiler directly, and root never starts a server there that would keep the group out.
 * Outputs always belong to the caller and are gcc's own bytes.
 */
class SharedCacheUsersTest {
  private static final String PORTAGE = "dcportage";
  private static final String MEMBER = "dcmember";
  private static final String OTHER = "dcother";
  private static final String SOURCE = "int shared(int x) { return x * 7 + 3; }\n";

  @TempDir Path tmp;
  Path cache;
  Distcache root;

  @BeforeAll
  static void users() {
    ok("groupadd", "-f", PORTAGE);
    if (Processes.run(Path.of("/"), Map.of(), List.of("id", PORTAGE)).exitCode() != 0) {
      ok("useradd", "-M", "-N", "-g", PORTAGE, "-s", "/bin/sh", PORTAGE);
    }
    if (Processes.run(Path.of("/"), Map.of(), List.of("id", MEMBER)).exitCode() != 0) {
      ok("useradd", "-M", "-N", "-g", "users", "-G", PORTAGE, "-s", "/bin/sh", MEMBER);
    }
    if (Processes.run(Path.of("/"), Map.of(), List.of("id", OTHER)).exitCode() != 0) {
      ok("useradd", "-M", "-N", "-g", "users", "-s", "/bin/sh", OTHER);
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    cache = Files.createDirectory(tmp.resolve("cache"));
    GroupPrincipal group =
        tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(PORTAGE);
    Files.getFileAttributeView(cache, PosixFileAttributeView.class).setGroup(group);
    Files.setAttribute(cache, "unix:mode", 02775);
    root = new Distcache(cache);
    root.env.remove("XDG_RUNTIME_DIR"); // root's own; the others' sockets go in the cache dir
  }

  @AfterEach
  void tearDown() {
    root.close(); // root's "server stop" reaches the group's server too
  }

  @Test
  void portageCompilesAreCached_rootAdministersThem_andEveryOneElseCompilesDirectly()
      throws IOException {
    Path work = workOf(PORTAGE, "portage-work");
    as(PORTAGE, work, "gcc", "-c", "a.c", "-o", "first.o").ok();
    as(PORTAGE, work, "gcc", "-c", "a.c", "-o", "second.o").ok();
    plain(PORTAGE, work, "gcc", "-c", "a.c", "-o", "plain.o").ok();
    for (String o : List.of("first.o", "second.o")) {
      assertArrayEquals(bytes(work.resolve("plain.o")), bytes(work.resolve(o)), o);
      assertOwnedBy(work.resolve(o), PORTAGE, "rw-rw-r--"); // the caller's umask, 002
    }

    // Root's -s and --print-stats show the group's live server, not a stale file.
    Map<String, Long> counters = root.stats();
    assertEquals(1L, counters.get("cache_miss"), counters.toString());
    assertEquals(1L, counters.get("direct_cache_hit"), counters.toString());
    assertTrue(root.run(tmp, "-s").ok().out().contains("Hits:"));

    // Root's compile runs gcc itself: its object is root's, and the counters do not move.
    Path rootWork = workOf("root", "root-work");
    Run rootCompile = root.run(rootWork, "gcc", "-c", "a.c", "-o", "root.o").ok();
    assertArrayEquals(bytes(work.resolve("plain.o")), bytes(rootWork.resolve("root.o")));
    assertOwnedBy(rootWork.resolve("root.o"), "root", null);
    assertTrue(rootCompile.err().contains("runs as user " + PORTAGE), rootCompile.err());

    // So do a member of the group (the store is the compiling user's: RocksDB makes its files
    // 0644) and a user outside it, who cannot even reach the socket.
    for (String user : List.of(MEMBER, OTHER)) {
      Path own = workOf(user, user + "-work");
      as(user, own, "gcc", "-c", "a.c", "-o", "mine.o").ok(user);
      assertArrayEquals(bytes(work.resolve("plain.o")), bytes(own.resolve("mine.o")), user);
      assertOwnedBy(own.resolve("mine.o"), user, "rw-rw-r--");
    }
    assertEquals(counters, root.stats(), "nobody but " + PORTAGE + " used the cache");

    // Portage's network-sandbox: a namespace with no network still reaches the Unix socket.
    Run sandboxed = sandboxed(PORTAGE, work, "gcc", "-c", "a.c", "-o", "sandboxed.o").ok();
    assertArrayEquals(bytes(work.resolve("plain.o")), bytes(work.resolve("sandboxed.o")));
    assertEquals(2L, root.stat("direct_cache_hit"), sandboxed.err());

    // Root's -z zeroes the server's counters at once (it used to wait for the server to exit).
    root.run(tmp, "-z").ok();
    assertEquals(0L, root.stat("direct_cache_hit"));
    assertEquals(
        0L,
        as(PORTAGE, work, "--print-stats")
            .ok()
            .out()
            .lines()
            .filter(l -> l.startsWith("direct_cache_hit\t"))
            .mapToLong(l -> Long.parseLong(l.split("\t")[1]))
            .sum());
  }

  @Test
  void root_startsNoServerOnTheGroupsCache_soThePortageUserStillGetsItsOwn() throws IOException {
    Path rootWork = workOf("root", "root-work");
    root.run(rootWork, "gcc", "-c", "a.c", "-o", "root.o").ok();
    root.run(rootWork, "gcc", "-c", "a.c", "-o", "again.o").ok();
    assertArrayEquals(bytes(rootWork.resolve("root.o")), bytes(rootWork.resolve("again.o")));
    assertFalse(Files.exists(cache.resolve("server.sock")), "root started a server");
    assertTrue(root.serverPid().isEmpty());

    Path work = workOf(PORTAGE, "portage-work");
    as(PORTAGE, work, "gcc", "-c", "a.c", "-o", "first.o").ok();
    as(PORTAGE, work, "gcc", "-c", "a.c", "-o", "second.o").ok();
    assertEquals(1L, root.stat("direct_cache_hit"));
    assertOwnedBy(cache.resolve("server.sock"), PORTAGE, null);
  }

  /** A directory of {@code user}'s, private as Portage's work directories are, holding a.c. */
  private Path workOf(String user, String name) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve(name));
    Distcache.write(dir.resolve("a.c"), SOURCE);
    ok("chown", "-R", user, dir.toString());
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    return dir;
  }

  /** {@code distcache args...} as {@code user}, with its groups and umask 002. */
  private Run as(String user, Path cwd, String... args) {
    return root.exec(cwd, asUser(user, true, args));
  }

  /** The compiler itself as {@code user}, without distcache. */
  private Run plain(String user, Path cwd, String... args) {
    return root.direct(cwd, asUser(user, false, args));
  }

  /** As {@link #as}, inside a new network namespace: no interface but a loopback that is down. */
  private Run sandboxed(String user, Path cwd, String... args) {
    List<String> cmd = new ArrayList<>(List.of("unshare", "--net"));
    cmd.addAll(List.of(asUser(user, true, args)));
    return root.exec(cwd, cmd.toArray(String[]::new));
  }

  private static String[] asUser(String user, boolean throughDistcache, String... args) {
    List<String> cmd = new ArrayList<>();
    if (!user.equals("root")) {
      cmd.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + group(user), "--init-groups"));
    }
    cmd.addAll(List.of("sh", "-c", "umask 002 && exec \"$@\"", "sh"));
    if (throughDistcache) {
      cmd.add(Distcache.LAUNCHER.toString());
    }
    cmd.addAll(List.of(args));
    return cmd.toArray(String[]::new);
  }

  private static String group(String user) {
    return user.equals(PORTAGE) ? PORTAGE : "users";
  }

  private static void assertOwnedBy(Path file, String user, String mode) throws IOException {
    assertEquals(user, Files.getOwner(file).getName(), file.toString());
    if (mode != null) {
      assertEquals(
          mode,
          PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
          file.toString());
    }
  }

  private static byte[] bytes(Path file) {
    return Distcache.read(file);
  }

  private static void ok(String... cmd) {
    Processes.run(Path.of("/"), new HashMap<>(System.getenv()), List.of(cmd))
        .ok(String.join(" ", cmd));
  }
}
