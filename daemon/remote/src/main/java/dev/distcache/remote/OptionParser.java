package dev.distcache.remote;

import dev.distcache.core.config.ConfigException;
import dev.distcache.core.config.Values;
import dev.distcache.core.log.LogLevel;
import dev.distcache.distribute.distcc.DistccLimits;
import dev.distcache.remote.net.AccessList;
import dev.distcache.remote.net.Netmask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses {@code distcache daemon}'s options with distccd's spellings: {@code --port 3632}, {@code
 * --port=3632}, {@code -p 3632} and {@code -p3632} all work, as under distccd's popt. distccd
 * options that distcache does not implement are refused with the reason, never ignored in silence;
 * the only ones accepted and ignored are {@code --no-fork} and {@code --no-fifo}, which tune
 * distccd's process model, and {@code --enable-tcp-insecure} with {@code --inetd}: distcc's client
 * adds it to every ssh host's command ({@code ssh HOST distccd --inetd --enable-tcp-insecure}), and
 * the daemon still runs only the compilers in its allowed list.
 */
final class OptionParser {
  static final int DEFAULT_PORT = 3632;
  static final int DEFAULT_STATS_PORT = 3633;
  static final Path DISTCC_MASQUERADE_DIR = Path.of("/usr/lib/distcc");

  /** A bad command line; the message says what and how to fix it. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  private record Spec(String name, char letter, boolean takesValue) {}

  private static final List<Spec> SPECS =
      List.of(
          new Spec("port", 'p', true),
          new Spec("listen", '\0', true),
          new Spec("allow", 'a', true),
          new Spec("allow-private", '\0', false),
          new Spec("jobs", 'j', true),
          new Spec("nice", 'N', true),
          new Spec("log-level", '\0', true),
          new Spec("log-file", '\0', true),
          new Spec("log-stderr", '\0', false),
          new Spec("verbose", '\0', false),
          new Spec("wizard", 'W', false),
          new Spec("inetd", '\0', false),
          new Spec("daemon", '\0', false),
          new Spec("no-detach", '\0', false),
          new Spec("pid-file", 'P', true),
          new Spec("stats", '\0', false),
          new Spec("stats-port", '\0', true),
          new Spec("storage-port", '\0', true),
          new Spec("storage-write-allow", '\0', true),
          new Spec("storage-read-tokens", '\0', true),
          new Spec("job-lifetime", '\0', true),
          new Spec("lifetime", '\0', true),
          new Spec("no-fork", '\0', false),
          new Spec("no-fifo", '\0', false),
          new Spec("help", 'h', false),
          new Spec("version", '\0', false),
          new Spec("cache-dir", '\0', true),
          new Spec("max-size", '\0', true),
          new Spec("remote-storage", '\0', true),
          new Spec("io-timeout", '\0', true),
          new Spec("masquerade-dir", '\0', true),
          new Spec("allow-compiler", '\0', true),
          new Spec("max-argc", '\0', true),
          new Spec("max-arg-length", '\0', true),
          new Spec("max-file-size", '\0', true),
          new Spec("max-files", '\0', true),
          new Spec("max-request-size", '\0', true),
          new Spec("first-frame-timeout", '\0', true),
          new Spec("max-client-connections", '\0', true),
          new Spec("tls-cert", '\0', true),
          new Spec("tls-key", '\0', true),
          new Spec("tls-client-ca", '\0', true),
          new Spec("auth-tokens", '\0', true),
          // distccd's, refused with a reason:
          new Spec("user", '\0', true),
          new Spec("zeroconf", '\0', false),
          new Spec("auth", '\0', false),
          new Spec("blacklist", '\0', true),
          new Spec("whitelist", '\0', true),
          new Spec("show-principal", '\0', false),
          new Spec("enable-tcp-insecure", '\0', false),
          new Spec("make-me-a-botnet", '\0', false));

  private DaemonOptions.Action action = DaemonOptions.Action.RUN;
  private DaemonOptions.Mode mode = DaemonOptions.Mode.GUESS;
  private boolean noDetach;
  private boolean tcpInsecure;
  private String listen;
  private int port = DEFAULT_PORT;
  private final List<Netmask> allow = new ArrayList<>();
  private boolean stats;
  private int statsPort = DEFAULT_STATS_PORT;
  private int storagePort;
  private final List<Netmask> storageWriters = new ArrayList<>();
  private Path storageReadTokens;
  private int jobs = Runtime.getRuntime().availableProcessors() + 2;
  private int nice = 5;
  private int ioTimeout;
  private int firstFrameTimeout = 10;
  private int maxClientConnections;
  private int jobLifetime;
  private int lifetime;
  private int maxArgc = DistccLimits.DEFAULTS.maxArgc();
  private int maxArgLength = DistccLimits.DEFAULTS.maxStringLength();
  private int maxFileSize = 256 << 20;
  private int maxFiles = DistccLimits.DEFAULTS.maxFiles();
  private long maxRequestSize = 256L << 20;
  private LogLevel logLevel = LogLevel.NOTICE;
  private Path logFile;
  private boolean logStderr;
  private Path pidFile;
  private Path cacheDir;
  private long maxSize = 5L << 30;
  private String remoteStorage;
  private final List<Path> masqueradeDirs = new ArrayList<>();
  private final List<String> compilers = new ArrayList<>();
  private Path tlsCert;
  private Path tlsKey;
  private Path tlsClientCa;
  private Path authTokens;

  private OptionParser(Map<String, String> env) {
    remoteStorage = env.getOrDefault("DISTCACHE_REMOTE_STORAGE", "");
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    cacheDir = Path.of(home, ".cache", "distcache-daemon");
    ioTimeout = 300;
    String t = env.get("DISTCC_IO_TIMEOUT");
    if (t != null && t.matches("[0-9]{1,6}") && Integer.parseInt(t) > 0) {
      ioTimeout = Integer.parseInt(t);
    }
  }

  /**
   * Parses {@code args} (what follows {@code distcache daemon}); {@code env} gives HOME and
   * DISTCC_IO_TIMEOUT.
   */
  static DaemonOptions parse(List<String> args, Map<String, String> env) throws UsageException {
    OptionParser p = new OptionParser(env);
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      Spec spec;
      String value = null;
      if (a.startsWith("--") && a.length() > 2) {
        String name = a.substring(2);
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        spec = byName(name, a);
        if (!spec.takesValue() && value != null) {
          throw new UsageException("option --" + name + " takes no value (got \"" + a + "\")");
        }
      } else if (a.startsWith("-") && a.length() > 1 && !a.startsWith("--")) {
        spec = byLetter(a.charAt(1), a);
        if (a.length() > 2) {
          if (!spec.takesValue()) {
            throw new UsageException("unknown option " + a + " (see distcache daemon --help)");
          }
          value = a.substring(2);
        }
      } else {
        throw new UsageException(
            "unexpected argument \""
                + a
                + "\": distcache daemon takes only options"
                + " (see distcache daemon --help)");
      }
      if (spec.takesValue() && value == null) {
        if (i + 1 >= args.size()) {
          throw new UsageException("option " + a + " needs a value");
        }
        value = args.get(++i);
      }
      p.apply(spec.name(), value);
    }
    return p.build();
  }

  private static Spec byName(String name, String given) throws UsageException {
    for (Spec s : SPECS) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new UsageException("unknown option " + given + " (see distcache daemon --help)");
  }

  private static Spec byLetter(char c, String given) throws UsageException {
    for (Spec s : SPECS) {
      if (s.letter() == c) {
        return s;
      }
    }
    throw new UsageException("unknown option " + given + " (see distcache daemon --help)");
  }

  private void apply(String name, String value) throws UsageException {
    switch (name) {
      case "port" -> port = number("--port", value, 1, 65535);
      case "listen" -> listen = value;
      case "allow" -> allow.add(mask("--allow", value));
      case "allow-private" -> allow.addAll(AccessList.PRIVATE);
      case "jobs" -> jobs = number("--jobs", value, 1, 200);
      case "nice" -> nice = number("--nice", value, -20, 19);
      case "log-level" -> logLevel = level(value);
      case "log-file" -> logFile = Path.of(value);
      case "log-stderr" -> logStderr = true;
      case "verbose" -> logLevel = LogLevel.DEBUG;
      case "wizard" -> {
        logStderr = true;
        mode = DaemonOptions.Mode.DAEMON;
        noDetach = true;
        logLevel = LogLevel.DEBUG;
      }
      case "inetd" -> mode = DaemonOptions.Mode.INETD;
      case "daemon" -> mode = DaemonOptions.Mode.DAEMON;
      case "no-detach" -> noDetach = true;
      case "pid-file" -> pidFile = Path.of(value);
      case "stats" -> stats = true;
      case "stats-port" -> statsPort = number("--stats-port", value, 1, 65535);
      case "storage-port" -> storagePort = number("--storage-port", value, 1, 65535);
      case "storage-write-allow" -> storageWriters.add(mask("--storage-write-allow", value));
      case "storage-read-tokens" -> storageReadTokens = Path.of(value);
      case "job-lifetime" -> jobLifetime = number("--job-lifetime", value, 0, Integer.MAX_VALUE);
      case "lifetime" -> lifetime = number("--lifetime", value, 0, Integer.MAX_VALUE);
      case "io-timeout" -> ioTimeout = number("--io-timeout", value, 1, 86_400);
      case "first-frame-timeout" ->
          firstFrameTimeout = number("--first-frame-timeout", value, 1, 86_400);
      case "max-client-connections" ->
          maxClientConnections = number("--max-client-connections", value, 1, 1_000_000);
      case "tls-cert" -> tlsCert = Path.of(value);
      case "tls-key" -> tlsKey = Path.of(value);
      case "tls-client-ca" -> tlsClientCa = Path.of(value);
      case "auth-tokens" -> authTokens = Path.of(value);
      case "no-fork", "no-fifo" -> {}
      case "enable-tcp-insecure" -> tcpInsecure = true;
      case "help" -> action = DaemonOptions.Action.HELP;
      case "version" -> action = DaemonOptions.Action.VERSION;
      case "cache-dir" -> cacheDir = Path.of(value);
      case "max-size" -> maxSize = size("--max-size", value, Long.MAX_VALUE);
      case "remote-storage" -> remoteStorage = value;
      case "masquerade-dir" -> masqueradeDirs.add(Path.of(value));
      case "allow-compiler" -> compilers.addAll(names(value));
      case "max-argc" -> maxArgc = number("--max-argc", value, 1, Integer.MAX_VALUE);
      case "max-arg-length" ->
          maxArgLength = (int) size("--max-arg-length", value, Integer.MAX_VALUE);
      case "max-file-size" -> maxFileSize = (int) size("--max-file-size", value, Integer.MAX_VALUE);
      case "max-files" -> maxFiles = number("--max-files", value, 1, Integer.MAX_VALUE);
      case "max-request-size" -> maxRequestSize = size("--max-request-size", value, Long.MAX_VALUE);
      default -> throw refused(name);
    }
  }

  private static UsageException refused(String name) {
    String why =
        switch (name) {
          case "user" ->
              "distcache daemon does not change user; start it as the (unprivileged) user that should"
                  + " run the compilers";
          case "zeroconf" ->
              "distcache daemon does not register in mDNS; list it in the clients' host lists";
          case "enable-tcp-insecure", "make-me-a-botnet" ->
              "distcache daemon runs only the compilers in its allowed list"
                  + " (--masquerade-dir, --allow-compiler)";
          default -> "GSS-API authentication and access list files are not supported; use --allow";
        };
    return new UsageException("option --" + name + " is not supported: " + why);
  }

  private static int number(String option, String value, int min, int max) throws UsageException {
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(option + " takes a whole number, not \"" + value + "\"");
    }
    if (n < min || n > max) {
      throw new UsageException(
          option + " must be between " + min + " and " + max + " (got " + value + ")");
    }
    return (int) n;
  }

  private static long size(String option, String value, long max) throws UsageException {
    try {
      long n = Values.parseSize(value);
      if (n <= 0 && !option.equals("--max-size")) {
        throw new UsageException(option + " must be positive (got " + value + ")");
      }
      if (n > max) {
        throw new UsageException(
            option
                + " must be at most "
                + max
                + " bytes (got "
                + value
                + (value.matches("[0-9.]+")
                    ? ", read as "
                        + n
                        + " bytes: a size without a unit is in G, as in ccache;"
                        + " give one, as in 4k or 16M)"
                    : ")"));
      }
      return n;
    } catch (ConfigException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  private static Netmask mask(String option, String value) throws UsageException {
    try {
      return Netmask.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  private static LogLevel level(String value) throws UsageException {
    LogLevel l = LogLevel.named(value);
    if (l == null) {
      throw new UsageException(
          "invalid --log-level \""
              + value
              + "\" (levels: critical, error, warning, notice, info, debug)");
    }
    return l;
  }

  private static List<String> names(String value) throws UsageException {
    List<String> out = new ArrayList<>();
    for (String n : value.split(",")) {
      String name = n.trim();
      if (name.isEmpty() || name.contains("/")) {
        throw new UsageException(
            "--allow-compiler takes compiler names without a directory (gcc, g++,"
                + " x86_64-linux-gnu-gcc-12), not \""
                + value
                + "\"");
      }
      out.add(name);
    }
    return out;
  }

  private DaemonOptions build() throws UsageException {
    if (tcpInsecure && mode != DaemonOptions.Mode.INETD) {
      throw refused("enable-tcp-insecure");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UsageException(
          (tlsCert == null ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key")
              + ": TLS takes the certificate and its key");
    }
    if (tlsCert == null && (tlsClientCa != null || authTokens != null)) {
      throw new UsageException(
          (tlsClientCa != null ? "--tls-client-ca" : "--auth-tokens")
              + " needs --tls-cert and --tls-key: clients prove who they are only over TLS");
    }
    if (tlsCert != null && mode == DaemonOptions.Mode.INETD) {
      throw new UsageException(
          "--tls-cert is for the listening daemon; --inetd jobs arrive through ssh or inetd");
    }
    if (stats && statsPort == port) {
      throw new UsageException("--stats-port " + statsPort + " is the job port; give another one");
    }
    if (storagePort == 0 && (!storageWriters.isEmpty() || storageReadTokens != null)) {
      throw new UsageException(
          (storageReadTokens != null ? "--storage-read-tokens" : "--storage-write-allow")
              + " needs --storage-port: it says who may use the shared cache tier");
    }
    if (storageReadTokens != null && tlsCert == null) {
      throw new UsageException(
          "--storage-read-tokens needs --tls-cert and --tls-key: clients prove who they are only"
              + " over TLS");
    }
    if (storagePort != 0) {
      if (storagePort == port || (stats && storagePort == statsPort)) {
        throw new UsageException(
            "--storage-port "
                + storagePort
                + " is the "
                + (storagePort == port ? "job" : "stats")
                + " port; give another one");
      }
      if (mode == DaemonOptions.Mode.INETD) {
        throw new UsageException(
            "--storage-port is for the listening daemon; --inetd serves one job");
      }
    }
    List<Path> dirs =
        masqueradeDirs.isEmpty() && compilers.isEmpty()
            ? List.of(DISTCC_MASQUERADE_DIR)
            : masqueradeDirs;
    DistccLimits limits;
    try {
      limits =
          new DistccLimits(
              maxArgc, maxArgLength, maxFileSize, maxFileSize, maxFiles, maxRequestSize);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    return new DaemonOptions(
        action,
        mode,
        noDetach,
        listen,
        port,
        AccessList.of(allow),
        stats,
        statsPort,
        storagePort,
        storageWriters,
        storageReadTokens,
        jobs,
        nice,
        ioTimeout,
        firstFrameTimeout,
        maxClientConnections > 0 ? maxClientConnections : Math.max(16, 4 * jobs),
        jobLifetime,
        lifetime,
        limits,
        logLevel,
        logFile,
        logStderr,
        pidFile,
        cacheDir.toAbsolutePath().normalize(),
        maxSize,
        remoteStorage,
        dirs,
        compilers,
        tlsCert,
        tlsKey,
        tlsClientCa,
        authTokens);
  }
}
