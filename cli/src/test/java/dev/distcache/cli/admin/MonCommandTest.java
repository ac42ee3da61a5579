package dev.distcache.cli.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonCommandTest {
  @TempDir Path cacheDir;

  @Test
  void web_asksTheServerForTheMonitorOnThePort_andPrintsItsUrl() {
    FakeChannel channel = new FakeChannel().answering("web", "http://127.0.0.1:8123/\n");

    AdminRun run = AdminRun.run(channel, cacheDir, "mon", "--web", "--port", "8123");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(List.of(List.of("web", "8123")), channel.sent);
    assertEquals("http://127.0.0.1:8123/\n", run.out());
  }

  @Test
  void web_withoutAPort_asksForAnyFreeOne() {
    FakeChannel channel = new FakeChannel().answering("web", "http://127.0.0.1:40000/\n");

    AdminRun.run(channel, cacheDir, "mon", "--web");

    assertEquals(List.of(List.of("web", "0")), channel.sent);
  }

  @Test
  void aPortWithoutWeb_aDelayWithWeb_andABadPort_areOneLineErrors() {
    for (String[] args :
        List.of(
            new String[] {"mon", "--port", "8123"},
            new String[] {"mon", "--web", "2"},
            new String[] {"mon", "--web", "--port", "70000"})) {
      FakeChannel channel = new FakeChannel();
      AdminRun run = AdminRun.run(channel, cacheDir, args);
      assertEquals(1, run.exitCode(), String.join(" ", args));
      assertEquals(1, run.err().strip().lines().count(), run.err());
      assertTrue(run.err().contains("--port") || run.err().contains("DELAY"), run.err());
      assertEquals(List.of(), channel.sent, "nothing asked of the server");
    }
  }
}
