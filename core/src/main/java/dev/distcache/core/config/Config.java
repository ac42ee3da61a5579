package dev.distcache.core.config;

import dev.distcache.core.CacheLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The effective configuration: defaults, then {@code $DISTCACHE_DIR/distcache.conf}, then
 * {@code DISTCACHE_*} variables. Immutable; every value was checked when it was read.
 */
public final class Config {
  /** Where a value came from, for {@code -p}. */
  public record Setting(String value, String origin) {}

  private final CacheLayout layout;
  private final Map<ConfigKey, Setting> settings;

  private Config(CacheLayout layout, Map<ConfigKey, Setting> settings) {
    this.layout = layout;
    this.settings = settings;
  }

  /** Reads the file in the cache directory (if any) and the environment over it. */
  public static Config load(CacheLayout layout, Map<String, String> env) throws ConfigException {
    return load(layout, env, readFile(layout.configFile()));
  }

  /**
   * The configuration from the settings of the cache directory's file, already read with {@link
   * #readFile}, and the environment over them.
   */
  public static Config load(CacheLayout layout, Map<String, String> env, Map<ConfigKey, String> fileSettings)
      throws ConfigException {
    Map<ConfigKey, Setting> s = new EnumMap<>(ConfigKey.class);
    for (ConfigKey k : ConfigKey.values()) {
      s.put(k, new Setting(k.defaultValue(), "default"));
    }
    Path file = layout.configFile();
    for (Map.Entry<ConfigKey, String> e : fileSettings.entrySet()) {
      s.put(e.getKey(), new Setting(e.getValue(), file.toString()));
    }
    for (ConfigKey k : ConfigKey.values()) {
      String v = env.get(k.plainEnvName());
      if (v == null) {
        v = env.get(k.envName());
      }
      if (v != null) {
        String value = k.type() == ConfigKey.Type.BOOL ? Boolean.toString(Values.parseBool(v)) : v;
        s.put(k, new Setting(check(k, value, k.envName()), "environment"));
      }
      if (k.type() == ConfigKey.Type.BOOL && env.containsKey(k.negatedEnvName())) {
        s.put(k, new Setting("false", "environment"));
      }
    }
    return new Config(layout, s);
  }

  /** Parses {@code key = value} lines; {@code #} starts a comment line. */
  public static Map<ConfigKey, String> readFile(Path file) throws ConfigException {
    Map<ConfigKey, String> out = new EnumMap<>(ConfigKey.class);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage());
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String where = file + ":" + (i + 1);
      if (eq < 0) {
        throw new ConfigException(where + ": expected \"key = value\", got \"" + line + "\"");
      }
      String key = line.substring(0, eq).trim();
      ConfigKey k = ConfigKey.byKey(key);
      if (k == null) {
        throw new ConfigException(where + ": unknown configuration key \"" + key + "\"");
      }
      out.put(k, check(k, line.substring(eq + 1).trim(), where));
    }
    return out;
  }

  /** Checks a value for its key's type, naming {@code where} in the error. */
  public static String check(ConfigKey k, String value, String where) throws ConfigException {
    try {
      switch (k.type()) {
        case SIZE -> Values.parseSize(value);
        case DURATION -> Values.parseSeconds(value, 's');
        case COUNT -> {
          try {
            if (Long.parseLong(value.trim()) < 0) {
              throw new ConfigException("must not be negative");
            }
          } catch (NumberFormatException e) {
            throw new ConfigException("\"" + value + "\" is not a whole number");
          }
        }
        case BOOL -> {
          String v = value.trim().toLowerCase(Locale.ROOT);
          if (!v.equals("true") && !v.equals("false")) {
            throw new ConfigException("\"" + value + "\" is not true or false");
          }
        }
        case SLOPPINESS -> {
          for (String word : splitList(value)) {
            if (!ConfigKey.SLOPPINESS_WORDS.contains(word)) {
              throw new ConfigException("unknown sloppiness \"" + word + "\"");
            }
          }
        }
        case PATH -> {
          if (!value.isEmpty() && k == ConfigKey.BASE_DIR && !Path.of(value).isAbsolute()) {
            throw new ConfigException("base_dir must be an absolute path, not \"" + value + "\"");
          }
        }
        case STRING -> { }
      }
    } catch (ConfigException e) {
      throw new ConfigException(where + ": " + k.key() + ": " + e.getMessage());
    }
    return value.trim();
  }

  private static List<String> splitList(String value) {
    List<String> out = new ArrayList<>();
    for (String w : value.split("[,\\s]+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  public CacheLayout layout() {
    return layout;
  }

  public Setting setting(ConfigKey k) {
    return settings.get(k);
  }

  public String get(ConfigKey k) {
    return settings.get(k).value();
  }

  public boolean bool(ConfigKey k) {
    return Values.parseBool(get(k));
  }

  public long maxSize() {
    try {
      return Values.parseSize(get(ConfigKey.MAX_SIZE));
    } catch (ConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  public long maxFiles() {
    return Long.parseLong(get(ConfigKey.MAX_FILES));
  }

  public long idleTimeoutSeconds() {
    try {
      return Values.parseSeconds(get(ConfigKey.IDLE_TIMEOUT), 's');
    } catch (ConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  public Set<String> sloppiness() {
    return new LinkedHashSet<>(splitList(get(ConfigKey.SLOPPINESS)));
  }

  /** The prefix command split into words; empty when none is set. */
  public List<String> prefixCommand() {
    String p = get(ConfigKey.PREFIX_COMMAND);
    return p.isBlank() ? List.of() : Arrays.asList(p.trim().split("\\s+"));
  }

  /** Sets {@code key = value} in a configuration file, keeping every other line as it is. */
  public static void writeSetting(Path file, ConfigKey k, String value) throws ConfigException {
    String checked = check(k, value, "-o " + k.key());
    List<String> lines = new ArrayList<>();
    try {
      if (Files.exists(file)) {
        lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
      }
      boolean replaced = false;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).trim();
        int eq = line.indexOf('=');
        if (!line.startsWith("#") && eq > 0 && line.substring(0, eq).trim().equals(k.key())) {
          lines.set(i, k.key() + " = " + checked);
          replaced = true;
        }
      }
      if (!replaced) {
        lines.add(k.key() + " = " + checked);
      }
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp" + ProcessHandle.current().pid());
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new ConfigException("cannot write " + file + ": " + e.getMessage());
    }
  }
}
