package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Loopback;
import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/install as a user runs it: into a staging root ({@code --destdir}), then used from there with
 * a PATH that holds only the installed prefix and the system's directories, so nothing of the
 * checkout can stand in: a masquerade compile misses and then hits, {@code update-links} follows
 * the compilers on PATH, the daemon starts from the installed command, and {@code --uninstall}
 * leaves the staging root as it was.
 */
class InstallTest {
  private static final String SYSTEM_PATH = "/usr/bin:/bin";

  @TempDir Path tmp;

  @Test
  void installedCopy_compiles_followsCompilers_runsTheDaemon_andUninstallsWithoutATrace()
      throws Exception {
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    Files.writeString(Files.createDirectories(dest.resolve("etc")).resolve("hostname"), "mine\n");
    List<String> before = listing(dest);
    byte[] builtClient = Files.readAllBytes(Distcache.NATIVE_CLIENT);

    Run install = installer("--destdir", dest.toString()).ok("bin/install");
    assertTrue(install.err().contains("installed distcache in " + dest), install.err());

    Path prefix = dest.resolve("usr/local");
    Path masquerade = prefix.resolve("lib/distcache/bin");
    assertArrayEquals(builtClient, Files.readAllBytes(Distcache.NATIVE_CLIENT), "build intact");
    assertEquals(
        prefix.resolve("lib/distcache/target/bin/distcache"),
        prefix.resolve("bin/distcache").toRealPath());
    assertEquals(
        Path.of("../target/bin/distcache"), Files.readSymbolicLink(masquerade.resolve("gcc")));
    for (String file : List.of("target/java.path", "target/server.args", "installed-files")) {
      String text = Files.readString(prefix.resolve("lib/distcache").resolve(file));
      assertFalse(text.contains(Distcache.ROOT.toString()), file + " names the checkout: " + text);
    }

    Map<String, String> env = new HashMap<>();
    env.put("PATH", masquerade + ":" + prefix.resolve("bin") + ":" + SYSTEM_PATH);
    env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
    env.put("DISTCACHE_DIR", tmp.resolve("cache").toString());
    env.put("DISTCACHE_HOSTS", "");
    env.put("LC_ALL", "C");
    Path work = Files.createDirectories(tmp.resolve("work"));
    Files.writeString(work.resolve("hello.c"), "int answer(void) { return 42; }\n");
    try {
      shell(work, env, "gcc -c hello.c -o first.o").ok("first masquerade gcc");
      shell(work, env, "gcc -c hello.c -o second.o").ok("second masquerade gcc");
      Map<String, Long> stats = stats(work, env);
      assertEquals(1L, stats.get("cache_miss"), stats.toString());
      assertEquals(
          1L,
          stats.get("direct_cache_hit") + stats.get("preprocessed_cache_hit"),
          stats.toString());
      shell(work, env, "/usr/bin/gcc -c hello.c -o plain.o").ok("plain gcc");
      byte[] plain = Files.readAllBytes(work.resolve("plain.o"));
      assertArrayEquals(plain, Files.readAllBytes(work.resolve("first.o")));
      assertArrayEquals(plain, Files.readAllBytes(work.resolve("second.o")));
      String server = serverCommandLine(work, env);
      assertTrue(server.contains(prefix.resolve("lib/distcache/target/lib").toString()), server);
      assertFalse(server.contains(Distcache.ROOT.toString()), server);
    } finally {
      shell(work, env, "distcache server stop");
    }

    Path extra = Files.createDirectories(tmp.resolve("extra"));
    Files.createSymbolicLink(extra.resolve("gcc-99"), Path.of("/usr/bin/gcc"));
    Map<String, String> withExtra = new HashMap<>(env);
    withExtra.put("PATH", env.get("PATH") + ":" + extra);
    Run added = shell(work, withExtra, "distcache update-links").ok("update-links");
    assertEquals("added gcc-99 -> ../target/bin/distcache\n", added.out());
    assertTrue(Files.isSymbolicLink(masquerade.resolve("gcc-99")));
    Files.delete(extra.resolve("gcc-99"));
    Files.createSymbolicLink(extra.resolve("gcc-98"), Path.of("/usr/bin/gcc"));
    Run refreshed = shell(work, withExtra, "distcache update-links").ok("update-links again");
    assertEquals("added gcc-98 -> ../target/bin/distcache\nremoved gcc-99\n", refreshed.out());
    assertFalse(
        Files.exists(masquerade.resolve("gcc-99"), java.nio.file.LinkOption.NOFOLLOW_LINKS));

    daemonAcceptsAConnection(prefix, env);

    // The manual pages and the completion, generated from the commands at build time.
    Run page =
        shell(work, env, "man -l " + prefix.resolve("share/man/man1/distcache.1")).ok("man -l");
    for (String expected :
        List.of("distcache - A caching compiler front end.", "-s, --show-stats", "update-links")) {
      assertTrue(page.out().contains(expected), expected + " in:\n" + page.out());
    }
    Run subPage =
        shell(work, env, "man -l " + prefix.resolve("share/man/man1/distcache-update-links.1"))
            .ok("man -l update-links");
    assertTrue(subPage.out().contains("distcache update-links [-hV] [DIR]"), subPage.out());
    Run completion =
        shell(
                work,
                env,
                "bash -c '. "
                    + prefix.resolve("share/bash-completion/completions/distcache")
                    + "; COMP_WORDS=(distcache upd); COMP_CWORD=1; _picocli_distcache 2>/dev/null;"
                    + " echo \"${COMPREPLY[*]}\"'")
            .ok("completion");
    assertEquals("update-links\n", completion.out());

    // A runtime removed after the install, with none of version 25 on PATH (/usr/bin/java is
    // older) and no JAVA_HOME: one line that names the file and the fix.
    Path javaPath = prefix.resolve("lib/distcache/target/java.path");
    Files.writeString(javaPath, "/opt/gone/bin/java\n");
    Run gone = shell(work, env, "distcache server status");
    assertEquals(1, gone.exitCode());
    assertEquals(
        "distcache: error: the Java runtime in "
            + javaPath
            + " (/opt/gone/bin/java) is gone, and neither JAVA_HOME nor PATH names a Java 25+"
            + " runtime; install distcache again (bin/install), which finds one, or write the path"
            + " of a java program of version 25 or later into that file\n",
        gone.err());

    Run uninstall = installer("--destdir", dest.toString(), "--uninstall").ok("uninstall");
    assertEquals("bin/install: removed distcache from " + prefix + "\n", uninstall.err());
    assertEquals(before, listing(dest));
  }

  @Test
  void aJavaTooOldForTheClasses_isRefusedInOneLineNamingTheFix_andNothingIsInstalled()
      throws Exception {
    Path java = tmp.resolve("jdk17/bin/java");
    Files.createDirectories(java.getParent());
    Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"17.0.2\" 2022-01-18' >&2\n");
    java.toFile().setExecutable(true);
    Path dest = Files.createDirectories(tmp.resolve("dest"));

    Run install = installer("--destdir", dest.toString(), "--java", java.toString());

    assertEquals(1, install.exitCode());
    String need = Files.readString(Distcache.ROOT.resolve("target/java.release")).strip();
    assertEquals(
        "bin/install: error: "
            + java
            + " is not a Java "
            + need
            + " or newer runtime, which distcache's classes need; name another with --java\n",
        install.err());
    assertEquals(List.of("/"), listing(dest));
  }

  /** {@code distcache daemon} from the installed command, on a free loopback port. */
  private void daemonAcceptsAConnection(Path prefix, Map<String, String> env) throws Exception {
    int port = Loopback.freePort("127.0.0.1");
    List<String> cmd =
        List.of(
            prefix.resolve("bin/distcache").toString(),
            "daemon",
            "--no-detach",
            "--listen",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--cache-dir",
            tmp.resolve("daemon-cache").toString(),
            "--log-stderr");
    Path out = tmp.resolve("daemon.out");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(env);
    Process daemon = pb.start();
    try {
      boolean accepted = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // readiness, not a timing
      while (daemon.isAlive() && !accepted && System.nanoTime() < deadline) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
          accepted = true;
        } catch (IOException notYet) {
          Thread.sleep(50);
        }
      }
      assertTrue(accepted, "the installed daemon did not listen: " + Files.readString(out));
      assertTrue(
          ProcessHandle.of(daemon.pid())
              .flatMap(h -> h.info().commandLine())
              .orElse("")
              .contains(prefix.resolve("lib/distcache/target/lib").toString()),
          "the daemon runs from the installation");
    } finally {
      daemon.destroy();
      if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
        daemon.destroyForcibly().waitFor();
      }
    }
  }

  private Run installer(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Distcache.ROOT.resolve("bin/install").toString()));
    cmd.addAll(List.of(args));
    Map<String, String> env = new HashMap<>();
    env.put("PATH", SYSTEM_PATH); // the runtime is found in /usr/lib/jvm, as on a fresh machine
    env.put("HOME", tmp.toString());
    env.put("LC_ALL", "C");
    return Processes.run(tmp, env, cmd);
  }

  private static Run shell(Path cwd, Map<String, String> env, String command) {
    return Processes.run(cwd, env, List.of("/bin/sh", "-c", command));
  }

  private static Map<String, Long> stats(Path cwd, Map<String, String> env) {
    Map<String, Long> out = new HashMap<>();
    for (String line : shell(cwd, env, "distcache --print-stats").ok().out().split("\n")) {
      String[] kv = line.split("\t");
      if (kv.length == 2) {
        out.put(kv[0], Long.parseLong(kv[1].trim()));
      }
    }
    return out;
  }

  /** The running local server's command line, by its pid from {@code server status}. */
  private static String serverCommandLine(Path cwd, Map<String, String> env) throws IOException {
    for (String line : shell(cwd, env, "distcache server status").ok().out().split("\n")) {
      String[] kv = line.split("[\t =:]+");
      if (kv.length >= 2 && kv[0].equals("pid")) {
        return Files.readString(Path.of("/proc", kv[1].trim(), "cmdline")).replace('\0', ' ');
      }
    }
    throw new AssertionError("no server pid in distcache server status");
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .map(p -> dir.relativize(p) + (Files.isDirectory(p) ? "/" : ""))
          .sorted()
          .toList();
    }
  }
}
