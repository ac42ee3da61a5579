package dev.distcache.cli.admin;

import dev.distcache.cli.client.Launcher;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.config.Config;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
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
    Map<String, String> env = firstPass(args, System.getenv());
    CacheLayout layout;
    try {
      layout = CacheLayout.fromEnvironment(env);
    } catch (CacheLayout.NoCacheDirException e) {
      System.err.println("distcache: error: " + e.getMessage());
      return ErrorReporter.FAILURE;
    }
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
    env = firstPass(args, env);
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
   * ccache's first pass: {@code -d/--dir DIR} and {@code --config-path PATH} apply to every other
   * option, wherever they stand, as {@code DISTCACHE_DIR} and {@code DISTCACHE_CONFIGPATH} (the
   * last one given wins). Malformed ones are left for picocli to report.
   */
  static Map<String, String> firstPass(String[] args, Map<String, String> env) {
    Map<String, String> out = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String variable = null;
      String value = null;
      for (String name : new String[] {"-d", "--dir", "--directory", "--config-path"}) {
        String var = name.equals("--config-path") ? Config.CONFIG_PATH_VARIABLE : "DISTCACHE_DIR";
        if (a.equals(name) && i + 1 < args.length) {
          variable = var;
          value = args[++i];
        } else if (a.startsWith(name + "=")
            || (name.equals("-d") && a.length() > 2 && a.startsWith("-d"))) {
          variable = var;
          value = a.substring(a.startsWith(name + "=") ? name.length() + 1 : 2);
        }
      }
      if (variable != null && !value.isEmpty()) {
        if (out == null) {
          out = new HashMap<>(env);
        }
        out.put(variable, Path.of(value).toAbsolutePath().normalize().toString());
      }
    }
    return out == null ? env : out;
  }

  /**
   * The command line of the options; help never in colour, so that it is the same text on a
   * terminal as elsewhere, and as the native client's (NativeTexts).
   */
  static CommandLine commandLine(AdminContext context, PrintWriter out, PrintWriter err) {
    ErrorReporter errors = new ErrorReporter();
    CommandLine line =
        new CommandLine(new DistcacheCommand(context))
            .setOut(out)
            .setErr(err)
            .setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
            .setOverwrittenOptionsAllowed(true) // ccache accepts -o (and any action) more than once
            .setParameterExceptionHandler(errors)
            .setExecutionExceptionHandler(errors);
    // explain's words from the compiler on are the compiler's (-c, -o, -DX), not options of its.
    line.getSubcommands().get("explain").setStopAtPositional(true);
    return line;
  }
}
