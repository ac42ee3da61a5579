package dev.distcache.cli.admin;

import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code distcache server start|stop|status}: the local server of the cache directory. */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Start, stop or query the local distcache server of the cache directory.")
final class ServerCommand {
  private static final String NONE_RUNNING = "no distcache server is running";

  @ParentCommand
  private DistcacheCommand parent;

  @Spec
  private CommandSpec spec;

  /** Starts the server unless one runs (the channel starts it on first use) and reports its pid. */
  @Command(name = "start", mixinStandardHelpOptions = true, description = "Start the server unless it is running.")
  int start() throws IOException, AdminException {
    KeyValues status = KeyValues.parse(parent.context().request("status"));
    out().println("distcache server running (pid " + status.text("pid") + ")");
    return 0;
  }

  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the server if it is running.")
  int stop() throws IOException, AdminException {
    String reply = parent.context().requestIfRunning("shutdown");
    out().println(reply == null ? NONE_RUNNING : "distcache server stopped");
    return 0;
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show the server's pid, cache directory, uptime and socket; exit 3 when none runs.")
  int status() throws IOException, AdminException {
    String reply = parent.context().requestIfRunning("status");
    if (reply == null) {
      out().println(NONE_RUNNING);
      return ErrorReporter.NOT_RUNNING;
    }
    out().print(reply.endsWith("\n") || reply.isEmpty() ? reply : reply + "\n");
    return 0;
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
