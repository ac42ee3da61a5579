package dev.distcache.cli.admin;

import dev.distcache.cli.client.Launcher;
import dev.distcache.core.CacheLayout;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * Entry point of the administration commands ({@code distcache -s}, {@code distcache server stop},
 * ...).
 */
public final class AdminMain {
  private AdminMain() {}

  /** Runs one administration command line against the real server and returns the exit code. */
  public static int run(String[] args) {
    Map<String, String> env = System.getenv();
    CacheLayout layout = CacheLayout.fromEnvironment(env);
    AdminChannel channel =
        new ServerAdminChannel(
            layout, Launcher.fromSystemProperties(), env, System.getProperty("user.dir"));
    return run(args, env, channel, new PrintWriter(System.out), new PrintWriter(System.err));
  }

  /**
   * Runs one administration command line; everything is printed to {@code out} and {@code err},
   * both flushed on return.
   */
  static int run(
      String[] args,
      Map<String, String> env,
      AdminChannel channel,
      PrintWriter out,
      PrintWriter err) {
    AdminContext context =
        new AdminContext(
            env, CacheLayout.fromEnvironment(env), Launcher.fromSystemProperties(), channel);
    ErrorReporter errors = new ErrorReporter();
    CommandLine commandLine =
        new CommandLine(new DistcacheCommand(context))
            .setOut(out)
            .setErr(err)
            .setOverwrittenOptionsAllowed(true) // ccache accepts -o (and any action) more than once
            .setParameterExceptionHandler(errors)
            .setExecutionExceptionHandler(errors);
    try {
      return commandLine.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }
}
