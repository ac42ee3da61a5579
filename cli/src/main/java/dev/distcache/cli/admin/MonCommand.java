package dev.distcache.cli.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code distcache mon [DELAY]}: the compiles the local server is running on hosts and local slots,
 * as distccmon-text shows them; with DELAY, again every DELAY seconds (after an empty line) until
 * interrupted. Without a running server, or without hosts configured, it shows nothing.
 */
@Command(
    name = "mon",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Show the running compiles: job, phase (Blocked, Compile), file, host[slot].")
final class MonCommand implements Callable<Integer> {
  @ParentCommand private DistcacheCommand parent;

  @Spec private CommandSpec spec;

  @Parameters(
      arity = "0..1",
      paramLabel = "DELAY",
      description = "Repeat every DELAY seconds (1 to 3600).")
  private Integer delay;

  @Override
  public Integer call() throws IOException, AdminException {
    if (delay != null && (delay < 1 || delay > 3600)) {
      throw new AdminException("DELAY must be from 1 to 3600 seconds, not " + delay);
    }
    PrintWriter out = spec.commandLine().getOut();
    while (true) {
      String reply = parent.context().requestIfRunning("jobs");
      if (reply != null) {
        out.print(reply.endsWith("\n") || reply.isEmpty() ? reply : reply + "\n");
      }
      out.flush();
      if (delay == null) {
        return 0;
      }
      try {
        Thread.sleep(delay * 1000L);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 0;
      }
      out.println();
    }
  }
}
