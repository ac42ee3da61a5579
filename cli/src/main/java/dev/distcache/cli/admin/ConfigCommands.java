package dev.distcache.cli.admin;

import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigException;
import dev.distcache.core.config.ConfigKey;
import dev.distcache.core.config.KeyNames;
import dev.distcache.core.config.Values;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The options that read or write the configuration: {@code -p}, {@code -k}, {@code -o}, {@code -M}
 * and {@code -F}.
 */
final class ConfigCommands {
  private static final String CACHE_DIR = "cache_dir";

  private final AdminContext context;
  private final PrintWriter out;
  private final PrintWriter err;

  ConfigCommands(AdminContext context, PrintWriter out, PrintWriter err) {
    this.context = context;
    this.out = out;
    this.err = err;
  }

  void setMaxSize(String size) throws ConfigException {
    write(ConfigKey.MAX_SIZE, size);
    long bytes = Values.parseSize(size);
    out.println(
        bytes == 0
            ? "Unset cache size limit"
            : "Set cache size limit to " + Values.formatSize(bytes));
  }

  void setMaxFiles(String files) throws ConfigException {
    write(ConfigKey.MAX_FILES, files);
    out.println("Set cache files limit to " + (Long.parseLong(files) == 0 ? "unlimited" : files));
  }

  /**
   * Prints {@code (origin) key = value} for every key, sorted by key, as ccache's {@code -p} does;
   * what the configuration could not use goes to stderr.
   */
  void showConfig() {
    Config config = context.config();
    for (String note : config.notes()) {
      err.println("distcache: note: " + note);
    }
    err.flush();
    Map<String, String> lines = new TreeMap<>();
    for (ConfigKey k : ConfigKey.values()) {
      Config.Setting s = config.setting(k);
      lines.put(k.key(), "(" + s.origin() + ") " + k.key() + " = " + config.shown(k));
    }
    lines.put(CACHE_DIR, "(" + cacheDirOrigin() + ") " + CACHE_DIR + " = " + cacheDir());
    lines.values().forEach(out::println);
  }

  void getConfig(String key) throws ConfigException {
    out.println(key.equals(CACHE_DIR) ? cacheDir() : context.config().shown(byName(key)));
  }

  /** {@code cache_dir}, as ccache shows it: the cache directory in use (DISTCACHE_DIR or -d). */
  private String cacheDir() {
    return context.layout().cacheDir().toString();
  }

  private String cacheDirOrigin() {
    String dir = context.env().get("DISTCACHE_DIR");
    return dir == null || dir.isEmpty() ? "default" : "environment";
  }

  void setConfig(String assignment) throws ConfigException {
    int eq = assignment.indexOf('=');
    if (eq < 0) {
      throw new ConfigException(
          "missing equal sign in \"" + assignment + "\" (expected KEY=VALUE)");
    }
    write(byName(assignment.substring(0, eq).trim()), assignment.substring(eq + 1));
  }

  private void write(ConfigKey key, String value) throws ConfigException {
    Config.writeSetting(
        Config.configFile(context.layout(), context.env()), key, value, context.config().umask());
  }

  private static ConfigKey byName(String key) throws ConfigException {
    if (key.equals(CACHE_DIR)) {
      throw new ConfigException(KeyNames.CACHE_DIR_ONLY_FROM_ENVIRONMENT);
    }
    ConfigKey k = ConfigKey.byKey(key);
    if (k == null) {
      throw new ConfigException(
          "unknown configuration key \""
              + key
              + "\""
              + KeyNames.closest(key, keys()).map(c -> " (did you mean " + c + "?)").orElse(""));
    }
    return k;
  }

  private static List<String> keys() {
    return Arrays.stream(ConfigKey.values()).map(ConfigKey::key).toList();
  }
}
