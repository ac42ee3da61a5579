package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Loopback;
import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's service files as bin/install installs them: the systemd unit passes {@code
 * systemd-analyze verify}, and the OpenRC script parses with {@code sh -n} and starts and stops the
 * daemon with its conf.d options under Debian's start-stop-daemon. OpenRC itself is not installed
 * on this machine (its package would take over the init scripts), so a small shim plays {@code
 * openrc-run}: it reads conf.d and the script as openrc-run does, provides the helpers the script
 * calls (eerror, checkpath) and runs start_pre, then the default start and stop that openrc-run
 * derives from command, command_args, command_user and pidfile.
 */
class ServiceFilesTest {
  /** openrc-run's part, for one script: SHIM SCRIPT CONF start|stop. */
  private static final String OPENRC_SHIM =
      """
      #!/bin/sh
      ebegin() { echo " * $*"; }
      eend() { return "${1:-0}"; }
      eerror() { echo " * ERROR: $*" >&2; }
      checkpath() {
        owner=root mode=0755
        while [ $# -gt 1 ]; do
          case $1 in
            --owner|-o) owner=$2; shift ;;
            --mode|-m) mode=$2; shift ;;
          esac
          shift
        done
        mkdir -p "$1" && chown "$owner" "$1" && chmod "$mode" "$1"
      }
      RC_SVCNAME=$(basename "$1")
      . "$2"
      . "$1"
      case $3 in
        start)
          start_pre || exit 1
          ebegin "Starting $RC_SVCNAME"
          # openrc-run's default start() for command_background=yes
          start-stop-daemon --start --background --make-pidfile --pidfile "$pidfile" \\
            --chuid "$command_user" --exec "$command" -- $command_args
          eend $?
          ;;
        stop)
          ebegin "Stopping $RC_SVCNAME"
          start-stop-daemon --stop --pidfile "$pidfile" --retry TERM/30/KILL/5 --remove-pidfile
          eend $?
          ;;
      esac
      """;

  @TempDir Path tmp;

  private Path prefix;

  @BeforeEach
  void install() {
    prefix = tmp.resolve("prefix");
    Processes.run(
            tmp,
            Map.of("PATH", "/usr/bin:/bin", "HOME", tmp.toString(), "LC_ALL", "C"),
            List.of(
                Distcache.ROOT.resolve("bin/install").toString(), "--prefix", prefix.toString()))
        .ok("bin/install");
  }

  @Test
  void systemdUnit_passesSystemdAnalyzeVerify_andRunsTheInstalledDaemonInTheForeground()
      throws Exception {
    Path unit = prefix.resolve("lib/systemd/system/distcache-daemon.service");
    String text = Files.readString(unit);
    assertTrue(
        text.contains(
            "ExecStart=" + prefix.resolve("bin/distcache") + " daemon --no-detach --log-stderr"),
        text);
    assertTrue(
        text.contains("EnvironmentFile=-" + prefix.resolve("etc/conf.d/distcache-daemon")), text);

    Run verify = verify(unit);

    assertEquals(0, verify.exitCode(), verify.out() + verify.err());
    assertEquals("", verify.err());
  }

  @Test
  void systemdAnalyzeVerify_catchesAMistakeInTheUnit() throws Exception {
    Path unit = prefix.resolve("lib/systemd/system/distcache-daemon.service");
    String good = Files.readString(unit);
    Files.writeString(unit, good.replace("ProtectSystem=strict", "ProtectSystem=very"));
    Run badValue = verify(unit);
    assertTrue(badValue.err().contains("protect system value"), badValue.err());

    Files.writeString(unit, good.replace("/bin/distcache daemon", "/bin/distcache-gone daemon"));
    assertNotEquals(0, verify(unit).exitCode());
  }

  private Run verify(Path unit) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", "/usr/bin:/bin");
    env.put("LC_ALL", "C");
    env.put("MANPATH", prefix.resolve("share/man").toString()); // Documentation=man:distcache(1)
    return Processes.run(tmp, env, List.of("systemd-analyze", "verify", unit.toString()));
  }

  @Test
  void openrcScript_parses_andStartsAndStopsTheDaemonWithTheConfdOptions() throws Exception {
    Path script = prefix.resolve("etc/init.d/distcache-daemon");
    Path installedConf = prefix.resolve("etc/conf.d/distcache-daemon");
    Processes.run(tmp, Map.of("PATH", "/usr/bin:/bin"), List.of("sh", "-n", script.toString()))
        .ok("sh -n");
    String conf = Files.readString(installedConf);
    assertTrue(
        conf.contains(
            "DISTCACHE_DAEMON_OPTS=\"--port 3632 --log-level notice -N 15 --allow 192.168.0.0/24"),
        conf);

    // The installed conf.d, on a free loopback port, as root, with the pid file and cache here.
    int port = Loopback.freePort("127.0.0.1");
    Path pidfile = tmp.resolve("daemon.pid");
    Path cache = tmp.resolve("daemon-cache");
    Path testConf = tmp.resolve("conf.d-distcache-daemon");
    Files.writeString(
        testConf,
        conf.replace("--port 3632", "--port " + port + " --listen 127.0.0.1")
                .replace("--allow 192.168.0.0/24", "--allow 127.0.0.0/8")
                .replace("DISTCACHE_DAEMON_USER=\"distcache\"", "DISTCACHE_DAEMON_USER=\"root\"")
            + "DISTCACHE_DAEMON_PIDFILE=\""
            + pidfile
            + "\"\nDISTCACHE_DAEMON_CACHE=\""
            + cache
            + "\"\n");
    Path shim = tmp.resolve("openrc-run-shim");
    Files.writeString(shim, OPENRC_SHIM);
    Map<String, String> env = new HashMap<>();
    env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("HOME", tmp.toString());
    env.put("LC_ALL", "C");
    List<String> rc = List.of("sh", shim.toString(), script.toString(), testConf.toString());

    Processes.run(tmp, env, concat(rc, "start")).ok("start");
    long pid = Long.parseLong(Files.readString(pidfile).strip());
    try {
      assertTrue(awaitListening(pid, port), "the daemon did not listen on 127.0.0.1:" + port);
      String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
      assertTrue(cmdline.contains("dev.distcache.remote.DaemonMain"), cmdline);
      assertTrue(
          cmdline.contains(
              "--no-detach --cache-dir "
                  + cache
                  + " --port "
                  + port
                  + " --listen 127.0.0.1"
                  + " --log-level notice -N 15 --allow 127.0.0.0/8"),
          cmdline);
      assertTrue(Files.isDirectory(cache), "start_pre made the cache directory");
    } finally {
      Run stop = Processes.run(tmp, env, concat(rc, "stop"));
      Optional<ProcessHandle> left = ProcessHandle.of(pid);
      left.ifPresent(ProcessHandle::destroyForcibly);
      stop.ok("stop");
    }
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "still running");
    assertFalse(Files.exists(pidfile));
  }

  @Test
  void openrcScript_refusesToStartForAUserThatDoesNotExist_sayingHowToCreateIt() throws Exception {
    Path script = prefix.resolve("etc/init.d/distcache-daemon");
    Path testConf = tmp.resolve("conf");
    Files.writeString(
        testConf,
        "DISTCACHE_DAEMON_OPTS=\"--port 1\"\nDISTCACHE_DAEMON_USER=\"no-such-distcache-user\"\n"
            + "DISTCACHE_DAEMON_PIDFILE=\""
            + tmp.resolve("pid")
            + "\"\n");
    Path shim = tmp.resolve("openrc-run-shim");
    Files.writeString(shim, OPENRC_SHIM);

    Run start =
        Processes.run(
            tmp,
            Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
            List.of("sh", shim.toString(), script.toString(), testConf.toString(), "start"));

    assertEquals(1, start.exitCode());
    assertEquals(
        " * ERROR: user no-such-distcache-user does not exist; create it (useradd --system"
            + " --shell /sbin/nologin no-such-distcache-user) or name another in"
            + " DISTCACHE_DAEMON_USER\n",
        start.err());
    assertFalse(Files.exists(tmp.resolve("pid")));
  }

  /**
   * Whether the daemon pid accepts a connection on port before it exits, waiting at most a minute
   * (a daemon that listens elsewhere never would).
   */
  private static boolean awaitListening(long pid, int port) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
        && System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return true;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    return false;
  }

  private static List<String> concat(List<String> list, String last) {
    List<String> out = new java.util.ArrayList<>(list);
    out.add(last);
    return out;
  }
}
