package dev.distcache.cli.admin;

import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigException;
import dev.distcache.core.config.ConfigKey;
import dev.distcache.core.config.KeyNames;
import dev.distcache.core.config.Values;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The options that read or write the configuration: {@code -p}, {@code -k}, {@code -o}, {@code -M}
 * and {@code -F}.
 */
final class ConfigCommands {
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
    ConfigKey[] keys = ConfigKey.values();
    Arrays.sort(keys, Comparator.comparing(ConfigKey::key));
    for (ConfigKey k : keys) {
      Config.Setting s = config.setting(k);
      out.println("(" + s.origin() + ") " + k.key() + " = " + config.shown(k));
    }
  }

  void getConfig(String key) throws ConfigException {
    out.println(context.config().shown(byName(key)));
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
