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
    CommandLine commandLine = commandLine(context, out, err);
    try {
      return commandLine.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * The command line of the options; help never in colour, so that it is the same text on a
   * terminal as elsewhere, and as the native client's (NativeTexts).
   */
  static CommandLine commandLine(AdminContext context, PrintWriter out, PrintWriter err) {
    ErrorReporter errors = new ErrorReporter();
    return new CommandLine(new DistcacheCommand(context))
        .setOut(out)
        .setErr(err)
        .setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
        .setOverwrittenOptionsAllowed(true) // ccache accepts -o (and any action) more than once
        .setParameterExceptionHandler(errors)
        .setExecutionExceptionHandler(errors);
  }
}
