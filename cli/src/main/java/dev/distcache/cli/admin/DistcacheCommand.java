package dev.distcache.cli.admin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The top command: ccache's options, run in the order given (so {@code -s -z} shows the counters
 * before zeroing them, as ccache does) and the evictions last, as ccache runs them, plus the {@code
 * server}, {@code install-masquerade} and {@code update-links} subcommands.
 */
@Command(
    name = "distcache",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    subcommands = {
      ServerCommand.class,
      InstallMasqueradeCommand.class,
      UpdateLinksCommand.class,
      MonCommand.class,
      ExplainCommand.class,
      HostsCommand.class,
      HelpCommand.class
    },
    customSynopsis = {
      "distcache [OPTION]...",
      "       distcache COMMAND [ARG]...",
      "       distcache daemon [OPTION]...   (the remote compile daemon; see distcache daemon --help)",
      "       distcache COMPILER [COMPILER OPTION]...",
      "       COMPILER [COMPILER OPTION]...   (through install-masquerade links)"
    },
    description = {"", "A caching compiler front end. Options are run in the order given."},
    optionListHeading = "%nOptions:%n",
    commandListHeading = "%nCommands:%n")
final class DistcacheCommand implements Callable<Integer> {
  /** One requested option, run after the whole command line has parsed. */
  @FunctionalInterface
  private interface Action {
    void run() throws Exception;
  }

  @Spec private CommandSpec spec;

  private final AdminContext context;

  /**
   * Filled while parsing: each action option is a setter method, which picocli calls in
   * command-line order.
   */
  private final List<Action> actions = new ArrayList<>();

  /**
   * {@code --evict-older-than} and {@code --evict-namespace}: one eviction of what both select, run
   * after every other option, as ccache does; null when not given.
   */
  private Long evictSeconds;

  private String evictNamespaceName;

  @Option(
      names = {"-v", "--verbose"},
      order = 2,
      description =
          "With -s: also where the cache is and every nonzero uncacheable and error counter;"
              + " twice (-svv): every counter and section.")
  private boolean[] verbose = new boolean[0];

  @Option(
      names = {"-d", "--dir", "--directory"},
      order = 13,
      paramLabel = "DIR",
      description = "Operate on the cache directory DIR (every option, wherever it stands).")
  private String dir; // applied before parsing (AdminMain.firstPass)

  @Option(
      names = "--config-path",
      order = 14,
      paramLabel = "PATH",
      description = "Read and write the configuration file PATH instead of the cache directory's.")
  private String configPath; // applied before parsing (AdminMain.firstPass)

  @Option(
      names = "--format",
      order = 15,
      paramLabel = "FORMAT",
      description = "The format of --print-stats: tab (the default) or json.")
  private String format = "tab";

  DistcacheCommand(AdminContext context) {
    this.context = context;
  }

  AdminContext context() {
    return context;
  }

  @Option(
      names = {"-s", "--show-stats"},
      order = 1,
      description = "Show a summary of the statistics counters.")
  void showStats(boolean requested) {
    actions.add(() -> cache().showStats(verbose.length));
  }

  @Option(
      names = "--print-stats",
      order = 3,
      description = "Print every statistics counter as \"id<TAB>value\", for scripts.")
  void printStats(boolean requested) {
    actions.add(() -> cache().printStats(format));
  }

  @Option(
      names = {"-z", "--zero-stats"},
      order = 4,
      description = "Zero the statistics counters.")
  void zeroStats(boolean requested) {
    actions.add(() -> cache().zeroStats());
  }

  @Option(
      names = {"-C", "--clear"},
      order = 6,
      description = "Remove every cached result.")
  void clear(boolean requested) {
    actions.add(() -> cache().clear());
  }

  @Option(
      names = {"-c", "--cleanup"},
      order = 5,
      description = "Evict results until the cache is within its size and file limits.")
  void cleanup(boolean requested) {
    actions.add(() -> cache().cleanup());
  }

  @Option(
      names = "--evict-older-than",
      order = 7,
      paramLabel = "AGE",
      converter = ValueConverters.Age.class,
      description =
          "Remove results unused for AGE: a number of days, or of seconds with the suffix s (2d, 3600s).")
  void evictOlderThan(long seconds) {
    evictSeconds = seconds;
  }

  @Option(
      names = {"-M", "--max-size"},
      order = 8,
      paramLabel = "SIZE",
      converter = ValueConverters.Size.class,
      description =
          "Set the cache size limit in the configuration file (10G, 500Mi; 0 means no limit).")
  void maxSize(String size) {
    actions.add(() -> config().setMaxSize(size));
  }

  @Option(
      names = {"-F", "--max-files"},
      order = 9,
      paramLabel = "NUMBER",
      converter = ValueConverters.FileCount.class,
      description = "Set the limit on cached files in the configuration file (0 means no limit).")
  void maxFiles(String files) {
    actions.add(() -> config().setMaxFiles(files));
  }

  @Option(
      names = {"-p", "--show-config"},
      order = 10,
      description = "Show every setting with where its value comes from.")
  void showConfig(boolean requested) {
    actions.add(() -> config().showConfig());
  }

  @Option(
      names = {"-k", "--get-config"},
      order = 11,
      paramLabel = "KEY",
      description = "Print the value of the setting KEY.")
  void getConfig(String key) {
    actions.add(() -> config().getConfig(key));
  }

  @Option(
      names = {"-o", "--set-config"},
      order = 12,
      paramLabel = "KEY=VALUE",
      description = "Set KEY to VALUE in the configuration file; may be given more than once.")
  void setConfig(String assignment) {
    actions.add(() -> config().setConfig(assignment));
  }

  @Option(
      names = {"-x", "--show-compression"},
      order = 16,
      description = "Show how much the compression of the stored results saves.")
  void showCompression(boolean requested) {
    actions.add(() -> files().showCompression());
  }

  @Option(
      names = {"-X", "--recompress"},
      order = 17,
      paramLabel = "LEVEL",
      description = "Recompress the cache to LEVEL (ccache's levels; distcache's LZ4 has one).")
  void recompress(String level) {
    actions.add(() -> files().recompress(level));
  }

  @Option(
      names = "--show-log-stats",
      order = 18,
      description = "Show a summary of the counters in the stats_log file.")
  void showLogStats(boolean requested) {
    actions.add(() -> files().showLogStats(verbose.length));
  }

  @Option(
      names = "--checksum-file",
      order = 19,
      paramLabel = "PATH",
      description = "Print the checksum distcache's entries carry (BLAKE3) of PATH (- for stdin).")
  void checksumFile(String path) {
    actions.add(() -> files().hashFile(path));
  }

  @Option(
      names = "--hash-file",
      order = 20,
      paramLabel = "PATH",
      description = "Print the hash of PATH (- for stdin) as distcache's keys use it (BLAKE3).")
  void hashFile(String path) {
    actions.add(() -> files().hashFile(path));
  }

  @Option(
      names = {"--inspect", "--dump-result", "--dump-manifest"},
      order = 21,
      paramLabel = "KEY",
      description =
          "Print what is stored under the result key KEY (from a log_file \"stored KEY\" line).")
  void inspect(String key) {
    actions.add(() -> files().inspect(key));
  }

  @Option(
      names = "--extract-result",
      order = 22,
      paramLabel = "KEY",
      description = "Write the files stored under the result key KEY into the current directory.")
  void extractResult(String key) {
    actions.add(() -> files().extractResult(key));
  }

  @Option(
      names = "--evict-namespace",
      order = 23,
      paramLabel = "NAMESPACE",
      description = "Remove the results stored with the namespace setting NAMESPACE.")
  void evictNamespace(String namespace) {
    evictNamespaceName = namespace;
  }

  /** Runs the requested options in order; with none, prints the usage, as ccache does. */
  @Override
  public Integer call() throws Exception {
    if (actions.isEmpty() && evictSeconds == null && evictNamespaceName == null) {
      spec.commandLine().usage(out());
      return 0;
    }
    for (Action action : actions) {
      action.run();
    }
    if (evictSeconds != null || evictNamespaceName != null) {
      cache().evict(evictNamespaceName, evictSeconds);
    }
    return 0;
  }

  private CacheCommands cache() {
    return new CacheCommands(context, out());
  }

  private FileCommands files() {
    return new FileCommands(context, out());
  }

  private ConfigCommands config() {
    return new ConfigCommands(context, out(), spec.commandLine().getErr());
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
