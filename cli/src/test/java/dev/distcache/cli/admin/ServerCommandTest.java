package dev.distcache.cli.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCommandTest {
  private static final String STATUS =
      "pid\t4242\ncache_dir\t/c\nuptime_seconds\t17\nsocket\t/c/server.sock\n";

  @TempDir Path cacheDir;

  @Test
  void status_whenNoServerRuns_exits3() {
    AdminRun run = AdminRun.run(new FakeChannel().noServerRunning(), cacheDir, "server", "status");

    assertEquals(3, run.exitCode());
    assertEquals("no distcache server is running\n", run.out());
  }

  @Test
  void status_printsTheServersKeyValueLines() {
    AdminRun run =
        AdminRun.run(new FakeChannel().answering("status", STATUS), cacheDir, "server", "status");

    assertEquals(0, run.exitCode());
    assertEquals(STATUS, run.out());
  }

  @Test
  void stop_whenNoServerRuns_saysSoAndExits0() {
    AdminRun run = AdminRun.run(new FakeChannel().noServerRunning(), cacheDir, "server", "stop");

    assertEquals(0, run.exitCode());
    assertEquals("no distcache server is running\n", run.out());
  }

  @Test
  void stop_sendsShutdown_andReturnsOnceTheServerHasExited() throws Exception {
    Process exited = new ProcessBuilder("true").start();
    exited.waitFor();
    FakeChannel channel =
        new FakeChannel()
            .answering("status", "pid\t" + exited.pid() + "\n")
            .answering("shutdown", "");

    AdminRun run = AdminRun.run(channel, cacheDir, "server", "stop");

    assertEquals(List.of(List.of("status"), List.of("shutdown")), channel.sent);
    assertEquals("distcache server stopped\n", run.out());
  }

  @Test
  void start_reportsThePidOfTheRunningServer() {
    AdminRun run =
        AdminRun.run(new FakeChannel().answering("status", STATUS), cacheDir, "server", "start");

    assertEquals(0, run.exitCode());
    assertEquals("distcache server running (pid 4242)\n", run.out());
  }

  @Test
  void server_withoutASubcommand_isAUsageError() {
    assertEquals(2, AdminRun.run(new FakeChannel(), cacheDir, "server").exitCode());
  }
}
