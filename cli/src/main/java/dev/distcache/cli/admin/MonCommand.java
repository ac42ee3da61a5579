package dev.distcache.cli.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code distcache mon [DELAY]}: the compiles the local server is running on hosts and local slots,
 * as distccmon-text shows them; with DELAY, again every DELAY seconds (after an empty line) until
 * interrupted, each screen headed by the build's progress since mon started ({@link MonProgress}:
 * requests done and running, the hit rate so far, the slowest compiles). Without a running server
 * it shows nothing, and without hosts configured no job lines.
 *
 * <p>{@code distcache mon --web [--port N]}: the local server (started if none runs) serves the web
 * monitor on 127.0.0.1 and this prints its URL; it opens no browser. The monitor lives as long as
 * the server, and asking again returns the same URL.
 */
@Command(
    name = "mon",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Show the running compiles: job, phase (Blocked, Compile), file, host[slot].",
      "With --web, print the URL of a live web monitor the local server serves on 127.0.0.1."
    })
final class MonCommand implements Callable<Integer> {
  @ParentCommand private DistcacheCommand parent;

  @Spec private CommandSpec spec;

  @Parameters(
      arity = "0..1",
      paramLabel = "DELAY",
      description = "Repeat every DELAY seconds (1 to 3600).")
  private Integer delay;

  @Option(
      names = "--web",
      description = "Have the local server serve a web monitor on 127.0.0.1 and print its URL.")
  private boolean web;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "The web monitor's port (default 0: any free one).")
  private int port;

  /** The running server's counters, or null when none runs. */
  private KeyValues counters() throws IOException, AdminException {
    String reply = parent.context().requestIfRunning("stats");
    return reply == null ? null : KeyValues.parse(reply);
  }

  @Override
  public Integer call() throws IOException, AdminException {
    if (delay != null && (delay < 1 || delay > 3600)) {
      throw new AdminException("DELAY must be from 1 to 3600 seconds, not " + delay);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (web) {
      if (delay != null) {
        throw new AdminException("--web takes no DELAY: the page updates itself every second");
      }
      if (port < 0 || port > 65535) {
        throw new AdminException("--port must be from 0 (any free port) to 65535, not " + port);
      }
      out.print(parent.context().request("web", Integer.toString(port)));
      out.flush();
      return 0;
    }
    if (port != 0) {
      throw new AdminException("--port goes with --web");
    }
    long since = System.currentTimeMillis();
    KeyValues base = delay == null ? null : counters();
    while (true) {
      String reply = parent.context().requestIfRunning("jobs");
      if (reply != null && base != null) {
        KeyValues now = counters();
        String progress = parent.context().requestIfRunning("progress", Long.toString(since));
        if (now != null && progress != null) {
          out.print(MonProgress.format(base, now, progress));
        }
      }
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
