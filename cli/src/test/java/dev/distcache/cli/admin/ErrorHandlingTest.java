package dev.distcache.cli.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.wire.Reply;
import java.net.ConnectException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorHandlingTest {
  @TempDir Path cacheDir;

  @Test
  void unknownOption_exits2WithOneLineMessageAndUsageHintButNoStackTrace() {
    AdminRun run = AdminRun.run(new FakeChannel(), cacheDir, "--frobnicate");

    assertEquals(2, run.exitCode());
    assertEquals(
        "distcache: error: Unknown option: '--frobnicate'\n"
            + "Try 'distcache --help' for more information.\n",
        run.err());
    assertEquals("", run.out());
  }

  @Test
  void unknownServerSubcommandOption_namesTheSubcommandInTheHint() {
    AdminRun run = AdminRun.run(new FakeChannel(), cacheDir, "server", "status", "--now");

    assertEquals(2, run.exitCode());
    assertTrue(
        run.err().endsWith("Try 'distcache server status --help' for more information.\n"),
        run.err());
  }

  @Test
  void badOptionValue_exits2BeforeAnythingIsSent() {
    FakeChannel channel = new FakeChannel();
    AdminRun run = AdminRun.run(channel, cacheDir, "-z", "--evict-older-than", "soon");

    assertEquals(2, run.exitCode());
    assertTrue(
        run.err().startsWith("distcache: error: Invalid value for option '--evict-older-than'"),
        run.err());
    assertTrue(channel.sent.isEmpty());
  }

  @Test
  void unreachableServer_exits1NamingTheCause() {
    AdminRun run =
        AdminRun.run(
            new FakeChannel().unreachable(new ConnectException("Connection refused")),
            cacheDir,
            "-z");

    assertEquals(1, run.exitCode());
    assertEquals(
        "distcache: error: cannot reach the distcache server: Connection refused\n", run.err());
  }

  @Test
  void failReply_exits1WithTheServersMessage() {
    AdminRun run =
        AdminRun.run(
            new FakeChannel().replying("clear", Reply.failed("the store is read-only")),
            cacheDir,
            "-C");

    assertEquals(1, run.exitCode());
    assertEquals("distcache: error: the store is read-only\n", run.err());
    assertFalse(run.out().contains("Cleared"));
  }

  @Test
  void noArguments_printsHelpAndExits0() {
    AdminRun run = AdminRun.run(new FakeChannel(), cacheDir);

    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("--show-stats"), run.out());
    assertTrue(run.out().contains("install-masquerade"), run.out());
  }

  @Test
  void help_listsEveryOptionAndSubcommand() {
    String help = AdminRun.run(new FakeChannel(), cacheDir, "--help").out();

    for (String word :
        new String[] {
          "-s, --show-stats",
          "--print-stats",
          "-z, --zero-stats",
          "-C, --clear",
          "-c, --cleanup",
          "--evict-older-than",
          "-M, --max-size",
          "-F, --max-files",
          "-p, --show-config",
          "-k, --get-config",
          "-o, --set-config",
          "-v, --verbose",
          "-V, --version",
          "-h, --help",
          "server",
          "install-masquerade"
        }) {
      assertTrue(help.contains(word), word + " missing from\n" + help);
    }
  }

  @Test
  void version_namesDistcacheAndItsVersion() {
    AdminRun run = AdminRun.run(new FakeChannel(), cacheDir, "-V");

    assertEquals(0, run.exitCode());
    assertEquals("distcache version 0.1.0\n", run.out());
  }
}
