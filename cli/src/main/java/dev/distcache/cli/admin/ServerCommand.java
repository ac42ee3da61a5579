package dev.distcache.cli.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code distcache server start|stop|status}: the local server of the cache directory. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Start, stop or query the local distcache server of the cache directory.")
final class ServerCommand {
  private static final String NONE_RUNNING = "no distcache server is running";
  private static final long STOP_TIMEOUT_SECONDS = 60;

  @ParentCommand private DistcacheCommand parent;

  @Spec private CommandSpec spec;

  /** Starts the server unless one runs (the channel starts it on first use) and reports its pid. */
  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Start the server unless it is running.")
  int start() throws IOException, AdminException {
    KeyValues status = KeyValues.parse(parent.context().request("status"));
    out().println("distcache server running (pid " + status.text("pid") + ")");
    return 0;
  }

  /** Stops the server and returns once it has exited, so its store and lock are free. */
  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stop the server if it is running.")
  int stop() throws IOException, AdminException {
    String status = parent.context().requestIfRunning("status");
    String reply = status == null ? null : parent.context().requestIfRunning("shutdown");
    if (reply == null) {
      out().println(NONE_RUNNING);
      return 0;
    }
    long pid = Long.parseLong(KeyValues.parse(status).text("pid"));
    Optional<ProcessHandle> server = ProcessHandle.of(pid);
    if (server.isPresent()) {
      try {
        server.get().onExit().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AdminException(
            "the distcache server (pid "
                + pid
                + ") did not stop within "
                + STOP_TIMEOUT_SECONDS
                + " s");
      } catch (InterruptedException | ExecutionException e) {
        Thread.currentThread().interrupt();
        throw new AdminException("interrupted while waiting for the distcache server to stop");
      }
    }
    out().println("distcache server stopped");
    return 0;
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Show the server's pid, cache directory, uptime and socket; exit 3 when none runs.")
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
