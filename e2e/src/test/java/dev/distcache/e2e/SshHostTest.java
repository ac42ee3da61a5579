package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ssh hosts ({@code [USER]@HOST[:COMMAND]}) through bin/distcache: DISTCC_SSH names a stand-in for
 * ssh that records its arguments, accepts only the host {@code buildhost} (else it fails as ssh
 * does, exit 255) and runs the remote command here, as ssh would run it through the remote shell.
 */
class SshHostTest {
  static final String CODE =
      "#include \"config.h\"\nint scale(int x) { return x * VALUE; }\n"
          + "static const char msg[] = \"ssh\";\nconst char *name(void) { return msg; }\n";
  static final String[] COMPILE = {"gcc", "-O2", "-I", "inc", "-MD", "-c", "s.c", "-o", "s.o"};

  @TempDir Path tmp;
  Distcache dc;
  Path calls;

  @BeforeEach
  void setUp() throws Exception {
    calls = tmp.resolve("ssh-calls");
    Path ssh =
        script(
            tmp.resolve("fake-ssh"),
            "#!/bin/sh\n"
                + "echo \"$*\" >> '"
                + calls
                + "'\n"
                + "if [ \"$1\" = -l ]; then shift 2; fi\n"
                + "host=$1; shift\n"
                + "if [ \"$host\" != buildhost ]; then\n"
                + "  echo \"ssh: Could not resolve hostname $host: Name or service not known\" >&2; exit 255\n"
                + "fi\n"
                + "exec sh -c \"$*\"\n");
    dc =
        new Distcache(tmp.resolve("cache"))
            .with("DISTCACHE_LOG_FILE", tmp.resolve("server.log").toString())
            .with("DISTCC_SSH", ssh.toString());
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  private static Path script(Path file, String text) throws Exception {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private Path project(String dir, int value) {
    Path p = tmp.resolve(dir);
    Distcache.write(p.resolve("s.c"), CODE);
    Distcache.write(p.resolve("inc/config.h"), "#define VALUE " + value + "\n");
    return p;
  }

  private List<String> sshCalls() throws Exception {
    return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
  }

  private String serverLog() throws Exception {
    Path log = tmp.resolve("server.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** Compiles through distcache and directly; the object and dependency file must be the same. */
  private void compileBothWays(int value) throws Exception {
    Path src = project("src" + value, value);
    Path local = project("local" + value, value);
    Run viaSsh = dc.run(src, COMPILE).ok();
    Run direct = dc.direct(local, COMPILE).ok();
    assertArrayEquals(Distcache.read(local.resolve("s.o")), Distcache.read(src.resolve("s.o")));
    assertArrayEquals(Distcache.read(local.resolve("s.d")), Distcache.read(src.resolve("s.d")));
    assertArrayEquals(direct.stderr(), viaSsh.stderr(), viaSsh.err());
  }

  @Test
  void sshHost_runsStockDistccdInetd_withDistccsArguments_protocols1And2_objectsIdenticalToLocal()
      throws Exception {
    String[] hosts = {"builder@buildhost/2", "builder@buildhost/2,lzo"};
    for (int i = 0; i < hosts.length; i++) {
      dc.with("DISTCACHE_HOSTS", hosts[i]);
      compileBothWays(10 + i);
      assertEquals(i + 1, dc.stat("remote_compile"), serverLog());
      assertEquals("-l builder buildhost distccd --inetd --enable-tcp-insecure", sshCalls().get(i));
      assertTrue(serverLog().contains("remote " + hosts[i] + " s.c: ok"), serverLog());
    }
    assertEquals(2, sshCalls().size(), "one ssh per job");
  }

  @Test
  void sshHost_withDistcacheDaemonAsCommand_compilesThere_objectIdenticalToLocal()
      throws Exception {
    Path daemonCache = tmp.resolve("daemon-cache");
    Path daemonLog = tmp.resolve("daemon.log");
    String triple = dc.direct(tmp, "gcc", "-dumpmachine").ok().out().strip();
    Path daemon =
        script(
            tmp.resolve("distcache-daemon"),
            "#!/bin/sh\n"
                + "exec '"
                + Distcache.LAUNCHER
                + "' daemon --cache-dir '"
                + daemonCache
                + "' --log-file '"
                + daemonLog
                + "' --log-level info --allow-compiler gcc,"
                + triple
                + "-gcc \"$@\"\n");
    dc.with("DISTCACHE_HOSTS", "@buildhost/1:" + daemon + ",lzo");

    compileBothWays(7);

    assertEquals(1, dc.stat("remote_compile"), serverLog());
    assertEquals("buildhost " + daemon + " --inetd --enable-tcp-insecure", sshCalls().getFirst());
    assertTrue(Files.readString(daemonLog).contains("COMPILE_OK"), Files.readString(daemonLog));
  }

  @Test
  void failingSsh_isAnUnreachableHost_backedOff_andTheCompileRunsLocally() throws Exception {
    dc.with("DISTCACHE_HOSTS", "builder@nohost/2");
    compileBothWays(3);
    assertEquals(0, dc.stat("remote_compile"));
    assertEquals(1, dc.stat("remote_host_unreachable"));
    assertTrue(
        serverLog().contains("Could not resolve hostname nohost"),
        "ssh's message is logged: " + serverLog());

    compileBothWays(4);
    assertEquals(
        1, sshCalls().size(), "backed off: ssh is not run again within the period: " + sshCalls());
    assertEquals(1, dc.stat("remote_host_unreachable"));
  }
}
