package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The errors of issue 14's "Errors a user meets": each is one line that names the cause and the
 * fix, without a stack trace, and a compile that meets one still succeeds with the compiler's own
 * object. Permissions are real: the tests run as root, which no permission stops, so the users who
 * meet them are {@code nobody} and a user ID with no passwd entry, through setpriv.
 */
class UserErrorsTest {
  @TempDir Path tmp;
  Path work;
  byte[] gccObject;
  final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    work = tmp.resolve("work");
    Distcache.write(work.resolve("m.c"), "int m(int x) { return x * 7 + 1; }\n");
    UserPrincipal nobody =
        FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Files.setOwner(work, nobody);
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
    Distcache plain = new Distcache(tmp.resolve("plain-cache"));
    plain.direct(work, "gcc", "-c", "m.c", "-o", "gcc.o").ok();
    gccObject = Distcache.read(work.resolve("gcc.o"));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  /** bin/distcache as {@code user} (a name or a number), with exactly {@code env}. */
  private Run as(String user, Map<String, String> env, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=" + user,
                "--regid=" + (user.equals("nobody") ? "nogroup" : user),
                "--clear-groups",
                Distcache.LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    return Processes.run(work, env, cmd);
  }

  /**
   * {@link #as} on a terminal ({@code script}'s pseudo-terminal, its copy of the session in a file
   * of the test's): what a user typing the command sees, stderr and stdout together.
   */
  private String onTerminal(String user, Map<String, String> env, String... args) {
    StringBuilder line =
        new StringBuilder(
            "setpriv --reuid="
                + user
                + " --regid="
                + (user.equals("nobody") ? "nogroup" : user)
                + " --clear-groups '"
                + Distcache.LAUNCHER
                + "'");
    for (String a : args) {
      line.append(" '").append(a.replace("'", "'\\''")).append('\'');
    }
    Path typescript = tmp.resolve("typescript-" + System.nanoTime());
    Run r =
        Processes.run(work, env, List.of("script", "-qec", line.toString(), typescript.toString()));
    return new String(r.stdout(), java.nio.charset.StandardCharsets.UTF_8).replace("\r\n", "\n");
  }

  private static Map<String, String> baseEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("LC_ALL", "C");
    env.put("DISTCACHE_HOSTS", "");
    if (Distcache.JAVA_CLIENT) {
      env.put("DISTCACHE_JAVA_CLIENT", "1");
    }
    return env;
  }

  private void compiledLikeGcc(Run r, String object) {
    assertEquals(0, r.exitCode(), r.err());
    assertArrayEquals(gccObject, Distcache.read(work.resolve(object)), "gcc's own object");
  }

  private static void oneLine(String text) {
    assertEquals(1, text.lines().count(), text);
    assertFalse(text.contains("Exception") || text.contains("\tat "), text);
  }

  @Test
  void cacheDirectoryThatCannotBeCreated_compileWarnsNamingIt_andAdministrationFails()
      throws IOException {
    Path locked = tmp.resolve("locked");
    Files.createDirectories(locked);
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
    Path cache = locked.resolve("cache");
    Map<String, String> env = baseEnv();
    env.put("HOME", tmp.toString());
    env.put("DISTCACHE_DIR", cache.toString());
    String why =
        "cannot create the cache directory "
            + cache
            + " (Permission denied); set DISTCACHE_DIR (or -d) to a directory you can write";

    Run compile = as("nobody", env, "gcc", "-c", "m.c", "-o", "m.o");
    compiledLikeGcc(compile, "m.o");
    assertEquals("", compile.err(), "without a terminal, stderr is the compiler's alone");
    assertEquals(
        "distcache: warning: " + why + "; compiled without the cache\n",
        onTerminal("nobody", env, "gcc", "-c", "m.c", "-o", "m.o"));
    compiledLikeGcc(compile, "m.o");

    Run zero = as("nobody", env, "-z");
    assertEquals(1, zero.exitCode());
    assertEquals("distcache: error: " + why + "\n", zero.err());
    Run hosts = as("nobody", env, "hosts");
    assertEquals("distcache: error: " + why + "\n", hosts.err());
    Run setConfig = as("nobody", env, "-M", "5G");
    assertEquals(1, setConfig.exitCode());
    oneLine(setConfig.err());
    assertTrue(
        setConfig.err().startsWith("distcache: error: cannot write " + cache + "/distcache.conf ("),
        setConfig.err());
    assertFalse(Files.exists(cache));
  }

  @Test
  void cacheDirectoryOfAnotherUser_compileIsTheCompilersAlone_andZeroNamesTheFileAndTheFix()
      throws IOException {
    Path cache = tmp.resolve("roots-cache");
    Files.createDirectories(cache);
    Map<String, String> env = baseEnv();
    env.put("HOME", tmp.toString());
    env.put("DISTCACHE_DIR", cache.toString());

    // Another user's cache is skipped in silence (ReadOnlyCacheTest): the compiler's stderr only.
    Run compile = as("nobody", env, "gcc", "-c", "m.c", "-o", "m.o");
    compiledLikeGcc(compile, "m.o");
    assertEquals("", compile.err());

    Run zero = as("nobody", env, "-z");
    assertEquals(1, zero.exitCode());
    oneLine(zero.err());
    assertTrue(
        zero.err()
            .matches(
                "distcache: error: cannot write "
                    + cache
                    + "/\\S+ \\(Permission denied\\); set DISTCACHE_DIR \\(or -d\\) to a cache"
                    + " directory you can write\n"),
        zero.err());
  }

  @Test
  void noHomeAnywhere_compileWarns_andAdministrationSaysToSetDistcacheDir() throws Exception {
    String uid = userIdWithoutPasswdEntry();
    Map<String, String> env = baseEnv();
    String why =
        "HOME is not set and this user has no home directory in the password database, so there"
            + " is no cache directory; set DISTCACHE_DIR (or -d) or HOME";

    Run compile = as(uid, env, "gcc", "-c", "m.c", "-o", "m.o");
    compiledLikeGcc(compile, "m.o");
    assertEquals("", compile.err(), "without a terminal, stderr is the compiler's alone");
    assertEquals(
        "distcache: warning: " + why + "; compiled without the cache\n",
        onTerminal(uid, env, "gcc", "-c", "m.c", "-o", "m.o"));

    Run stats = as(uid, env, "-s");
    assertEquals(1, stats.exitCode());
    assertEquals("distcache: error: " + why + "\n", stats.err());

    env.put("HOME", "");
    Run emptyHome = as(uid, env, "gcc", "-c", "m.c", "-o", "m2.o");
    compiledLikeGcc(emptyHome, "m2.o");
    assertEquals(compile.err(), emptyHome.err(), "an empty HOME is no home");
    try (Stream<Path> files = Files.list(work)) {
      assertEquals(
          List.of("gcc.o", "m.c", "m.o", "m2.o"),
          files.map(f -> f.getFileName().toString()).sorted().toList(),
          "no cache made under the working directory");
    }
  }

  @Test
  void homeUnset_withAPasswdHome_usesIt_asCcacheDoes() {
    Map<String, String> env = baseEnv(); // nobody's passwd home is /nonexistent: not creatable
    Run compile = as("nobody", env, "gcc", "-c", "m.c", "-o", "m.o");
    compiledLikeGcc(compile, "m.o");
    assertEquals("", compile.err(), "without a terminal, stderr is the compiler's alone");
    assertEquals(
        "distcache: warning: cannot create the cache directory /nonexistent/.cache/distcache"
            + " (Permission denied); set DISTCACHE_DIR (or -d) to a directory you can write;"
            + " compiled without the cache\n",
        onTerminal("nobody", env, "gcc", "-c", "m.c", "-o", "m.o"));
  }

  private static String userIdWithoutPasswdEntry() {
    for (int uid = 54321; uid < 54400; uid++) {
      Run r = Processes.run(Path.of("/"), Map.of(), List.of("getent", "passwd", "" + uid));
      if (r.exitCode() != 0) {
        return "" + uid;
      }
    }
    throw new IllegalStateException("every user ID from 54321 to 54399 has a passwd entry");
  }

  private Run daemon(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Distcache.LAUNCHER.toString(), "daemon"));
    cmd.addAll(List.of(args));
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("HOME", tmp.toString());
    return Processes.run(tmp, env, cmd, 120);
  }

  @Test
  void daemonPortInUse_saysSoAndWhatToDo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Run r =
          daemon(
              "--listen", "127.0.0.1", "--port", "" + port, "--no-detach", "--allow", "127.0.0.1");
      assertNotEquals(0, r.exitCode());
      assertEquals(
          "distcache daemon: error: cannot listen on 127.0.0.1:"
              + port
              + ": Address already in use (another daemon, or distccd, is probably listening"
              + " there; give --port)\n",
          r.err());
    }
  }

  @Test
  void badAllow_namesTheAddressAndWhatIsWrong() {
    Run overflow = daemon("--allow", "300.1.2.3/24");
    assertEquals(101, overflow.exitCode());
    assertEquals(
        "distcache daemon: error: --allow: can't parse internet address \"300.1.2.3\": 300 is"
            + " over 255\n",
        overflow.err());
    Run word = daemon("--allow", "foo");
    assertEquals(101, word.exitCode());
    assertEquals(
        "distcache daemon: error: --allow: can't parse internet address \"foo\" in \"foo\" (give a"
            + " numeric IPv4 or IPv6 address, optionally with /BITS)\n",
        word.err());
  }

  @Test
  void typoedConfigKey_isNamedWithTheClosestKey_inSetConfigTheFileAndTheEnvironment() {
    Distcache dc = new Distcache(tmp.resolve("typo-cache"));
    closing.add(dc::close);
    Run set = dc.run(work, "-o", "max_sise=5G");
    assertEquals(1, set.exitCode());
    assertEquals(
        "distcache: error: unknown configuration key \"max_sise\" (did you mean max_size?)\n",
        set.err());

    Path conf = dc.cacheDir.resolve("distcache.conf");
    Distcache.write(conf, "max_size = 5G\nmax_sise = 6G\n");
    Run compile = dc.with("DISTCACHE_MAXSISE", "1G").run(work, "gcc", "-c", "m.c", "-o", "m.o");
    compiledLikeGcc(compile, "m.o");
    assertTrue(
        compile
            .err()
            .contains(
                "distcache: note: "
                    + conf
                    + ":2: unknown key \"max_sise\", ignored (did you mean max_size?)\n"),
        compile.err());
    assertTrue(
        compile
            .err()
            .contains(
                "distcache: note: DISTCACHE_MAXSISE: unknown variable, ignored (did you mean"
                    + " DISTCACHE_MAXSIZE?)\n"),
        compile.err());
  }

  @Test
  void badHostsLine_namesTheFileLineAndColumn_andCompilesStayLocal() {
    Distcache dc = new Distcache(tmp.resolve("hosts-cache")).without("DISTCACHE_HOSTS");
    closing.add(dc::close);
    Path hosts = dc.cacheDir.resolve("hosts");
    Distcache.write(hosts, "# the farm\nlocalhost/2\n  127.0.0.2:x/4\n");
    Run show = dc.run(work, "hosts");
    assertEquals(1, show.exitCode());
    assertEquals(
        "distcache: error: "
            + hosts
            + ":3:13: bad host entry \"127.0.0.2:x/4\": the port must be a number from 1 up\n",
        show.err());

    Run compile = dc.run(work, "gcc", "-c", "m.c", "-o", "m.o");
    compiledLikeGcc(compile, "m.o");
    assertEquals(
        "distcache: note: "
            + hosts
            + ":3:13: bad host entry \"127.0.0.2:x/4\": the port must be a number from 1 up;"
            + " the host list is not used, compiles run locally\n",
        compile.err());
  }

  @Test
  void missingJava_forAdministration_namesTheFix_andJavaHomeIsUsed() {
    CopiedInstallation copy =
        new CopiedInstallation(tmp.resolve("copy")).withClientJava("/nonexistent/jdk/bin/java");
    Map<String, String> env = baseEnv();
    env.put("HOME", tmp.toString());
    env.put("DISTCACHE_DIR", tmp.resolve("copy-cache").toString());
    env.put("PATH", "/usr/bin:/bin"); // no java there, or one too old for the jars
    env.remove("DISTCACHE_JAVA_CLIENT");
    Run r = Processes.run(work, env, List.of(copy.launcher().toString(), "-p"));
    assertEquals(1, r.exitCode());
    oneLine(r.err());
    assertTrue(
        r.err()
            .matches(
                "distcache: error: no Java runtime [0-9]+ or later for this command:"
                    + " /nonexistent/jdk/bin/java \\(from the build\\) is gone, and neither"
                    + " JAVA_HOME nor PATH names one; install a Java [0-9]+\\+ runtime \\(e\\.g\\."
                    + " openjdk-[0-9]+-jre-headless\\) or set JAVA_HOME to one\n"),
        r.err());

    env.put(
        "JAVA_HOME", Path.of(CopiedInstallation.serverJava()).getParent().getParent().toString());
    Run withJavaHome =
        Processes.run(work, env, List.of(copy.launcher().toString(), "-k", "max_size"));
    assertEquals("5.0G\n", withJavaHome.ok().out());
  }
}
