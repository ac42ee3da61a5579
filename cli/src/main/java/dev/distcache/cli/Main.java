package dev.distcache.cli;

import dev.distcache.cli.client.CompileClient;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point. argv[0] (passed by the native client as {@code distcache.argv0}) decides the mode: a
 * compiler name means masquerade; {@code distcache <compiler> args...} means prefix mode; {@code
 * distcache <option|subcommand>} means administration. Compiler arguments never pass through
 * picocli, and the compile path never loads it.
 */
public final class Main {
  private static final List<String> SUBCOMMANDS =
      List.of("server", "install-masquerade", "update-links", "mon", "explain", "hosts", "help");

  private Main() {}

  public static void main(String[] args) {
    String argv0 = System.getProperty("distcache.argv0", "distcache");
    String base = argv0.substring(argv0.lastIndexOf('/') + 1);
    int code;
    if (base.equals("distcache")) {
      args = withoutSelf(args);
      if (args.length > 0 && args[0].equals("daemon")) {
        // bin/distcache starts the daemon in a JVM of its own (RocksDB); it never reaches this one.
        System.err.println("distcache: error: start the daemon as bin/distcache daemon ...");
        System.exit(2);
      }
      if (args.length == 0 || args[0].startsWith("-") || SUBCOMMANDS.contains(args[0])) {
        code = dev.distcache.cli.admin.AdminMain.run(args);
      } else {
        code =
            CompileClient.fromLauncher()
                .compile(args[0], Arrays.asList(args).subList(1, args.length), "");
      }
    } else {
      code = CompileClient.fromLauncher().compile(base, Arrays.asList(args), argv0);
    }
    System.exit(code);
  }

  /**
   * {@code args} after the leading words that name distcache itself (a base name starting with
   * "distcache"), as ccache takes {@code ccache ccache gcc} for {@code ccache gcc}.
   */
  static String[] withoutSelf(String[] args) {
    int first = 0;
    while (first < args.length
        && args[first].substring(args[first].lastIndexOf('/') + 1).startsWith("distcache")) {
      first++;
    }
    return Arrays.copyOfRange(args, first, args.length);
  }
}
