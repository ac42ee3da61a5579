package dev.distcache.core.config;

import dev.distcache.core.CacheLayout;
import dev.distcache.core.compiler.CompilerType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The effective configuration: defaults, then {@code $DISTCACHE_DIR/distcache.conf}, then {@code
 * DISTCACHE_*} variables. Immutable; every value was checked when it was read. A key or value that
 * cannot be used never stops distcache: it is ignored and described in {@link #notes()}.
 */
public final class Config {
  /** Where a value came from, for {@code -p}. */
  public record Setting(String value, String origin) {}

  // Compiled once: a hit asks for the sloppiness and the word lists on every request.
  private static final Pattern LIST_SEPARATORS = Pattern.compile("[,\\s]+");
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private final CacheLayout layout;
  private final Map<ConfigKey, Setting> settings;
  private final List<String> notes;

  private final List<String> errors;

  private Config(
      CacheLayout layout,
      Map<ConfigKey, Setting> settings,
      List<String> notes,
      List<String> errors) {
    this.layout = layout;
    this.settings = settings;
    this.notes = List.copyOf(notes);
    this.errors = List.copyOf(errors);
  }

  /**
   * A configuration file's usable settings, and notes on the lines it could not use (an unknown
   * key, a bad value, a ccache key distcache does not implement), each naming the file and line.
   */
  public record FileSettings(Map<ConfigKey, String> settings, List<String> notes) {
    public static final FileSettings NONE = new FileSettings(Map.of(), List.of());

    public FileSettings {
      Map<ConfigKey, String> copy = new EnumMap<>(ConfigKey.class);
      copy.putAll(settings);
      settings = Collections.unmodifiableMap(copy);
      notes = List.copyOf(notes);
    }
  }

  /**
   * Reads the file in the cache directory (if any) and the environment over it. Never fails: what
   * cannot be used is left at its default (or the file's value) and described in {@link #notes()}.
   */
  public static Config load(CacheLayout layout, Map<String, String> env) {
    return load(layout, env, readFile(configFile(layout, env)));
  }

  /**
   * The configuration file: {@code DISTCACHE_CONFIGPATH} when set (ccache's CCACHE_CONFIGPATH, and
   * {@code --config-path}), else the cache directory's.
   */
  public static Path configFile(CacheLayout layout, Map<String, String> env) {
    String path = env.get(CONFIG_PATH_VARIABLE);
    return path == null || path.isEmpty() ? layout.configFile() : Path.of(path).toAbsolutePath();
  }

  /** Names another configuration file than the cache directory's. */
  public static final String CONFIG_PATH_VARIABLE = "DISTCACHE_CONFIGPATH";

  /**
   * The configuration from the cache directory's file, already read with {@link #readFile}, and the
   * environment over it.
   */
  public static Config load(CacheLayout layout, Map<String, String> env, FileSettings file) {
    Map<ConfigKey, Setting> s = new EnumMap<>(ConfigKey.class);
    for (ConfigKey k : ConfigKey.values()) {
      s.put(k, new Setting(k.defaultValue(), "default"));
    }
    String fileName = configFile(layout, env).toString();
    for (Map.Entry<ConfigKey, String> e : file.settings().entrySet()) {
      s.put(e.getKey(), new Setting(e.getValue(), fileName));
    }
    List<String> notes = new ArrayList<>(file.notes());
    List<String> errors = new ArrayList<>();
    for (ConfigKey k : ConfigKey.values()) {
      String name = k.plainEnvName();
      String v = env.get(name);
      if (v == null) {
        name = k.envName();
        v = env.get(name);
      }
      boolean bool = k.type() == ConfigKey.Type.BOOL;
      if (v != null && bool) {
        Optional<String> error = offWordError(name, v, k.negatedEnvName());
        error.ifPresent(errors::add);
        if (error.isEmpty()) {
          s.put(k, new Setting("true", "environment"));
        }
      } else if (v != null) {
        try {
          s.put(k, new Setting(check(k, v, name), "environment"));
        } catch (ConfigException e) {
          notes.add(e.getMessage() + "; ignored, " + k.key() + " stays " + s.get(k).value());
        }
      }
      String negated = bool ? env.get(k.negatedEnvName()) : null;
      if (negated != null) {
        Optional<String> error = offWordError(k.negatedEnvName(), negated, k.envName());
        error.ifPresent(errors::add);
        if (error.isEmpty()) {
          s.put(k, new Setting("false", "environment"));
        }
      }
    }
    notes.addAll(variableNotes(env));
    return new Config(layout, s, notes, errors);
  }

  /**
   * ccache 4.7's rule for a boolean variable: any value sets it, except {@code 0}, {@code false},
   * {@code disable} and {@code no} (any case), which are errors (a user who writes DISABLE=0 means
   * the opposite of what the variable does); the error names {@code opposite}, the variable meant.
   */
  private static Optional<String> offWordError(String name, String value, String opposite) {
    String lower = value.toLowerCase(Locale.ROOT);
    if (value.equals("0")
        || lower.equals("false")
        || lower.equals("disable")
        || lower.equals("no")) {
      return Optional.of(
          name
              + ": invalid boolean environment variable value \""
              + value
              + "\" (did you mean to set \""
              + opposite
              + "=true\"?)");
    }
    return Optional.empty();
  }

  /**
   * Notes on {@code DISTCACHE_*} variables that are not distcache's: ccache's that distcache does
   * not implement, and near misses of the ones it reads (others are left alone: they may be meant
   * for something else).
   */
  private static List<String> variableNotes(Map<String, String> env) {
    List<String> known = KeyNames.allVariables();
    List<String> notes = new ArrayList<>();
    for (String name : new TreeSet<>(env.keySet())) {
      if (!name.startsWith("DISTCACHE_")
          || known.contains(name)
          || KeyNames.isNotConfiguration(name)) {
        continue;
      }
      Optional<String> ccacheKey = KeyNames.ccacheOnlyKeyOfVariable(name);
      if (ccacheKey.isPresent()) {
        notes.add(name + ": " + KeyNames.ignoredCcacheKey(ccacheKey.get()));
        continue;
      }
      KeyNames.closest(name, known)
          .ifPresent(
              c -> notes.add(name + ": unknown variable, ignored (did you mean " + c + "?)"));
    }
    return notes;
  }

  /**
   * Parses {@code key = value} lines; {@code #} starts a comment line. A line that cannot be used
   * is skipped with a note; a file that cannot be read gives a note and no settings.
   */
  public static FileSettings readFile(Path file) {
    Map<ConfigKey, String> out = new EnumMap<>(ConfigKey.class);
    List<String> notes = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return FileSettings.NONE;
    } catch (IOException e) {
      return new FileSettings(
          out, List.of("cannot read " + file + ": " + e.getMessage() + "; using the defaults"));
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String where = file + ":" + (i + 1);
      if (eq < 0) {
        notes.add(where + ": expected \"key = value\", got \"" + line + "\"; ignored");
        continue;
      }
      String key = line.substring(0, eq).trim();
      ConfigKey k = ConfigKey.byKey(key);
      if (k == null) {
        notes.add(where + ": " + unknownKey(key));
        continue;
      }
      try {
        out.put(k, check(k, line.substring(eq + 1).trim(), where));
      } catch (ConfigException e) {
        notes.add(e.getMessage() + "; ignored, " + k.key() + " stays " + k.defaultValue());
      }
    }
    return new FileSettings(out, notes);
  }

  /** What is said about a key distcache does not read: ccache's, or a misspelling, or neither. */
  private static String unknownKey(String key) {
    if (key.equals("cache_dir")) {
      return KeyNames.CACHE_DIR_ONLY_FROM_ENVIRONMENT + "; ignored";
    }
    if (KeyNames.isCcacheOnly(key)) {
      return KeyNames.ignoredCcacheKey(key);
    }
    return "unknown key \""
        + key
        + "\", ignored"
        + KeyNames.closest(key, KeyNames.allKeys())
            .map(c -> " (did you mean " + c + "?)")
            .orElse("");
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
        case INTEGER -> {
          try {
            Integer.parseInt(value.trim());
          } catch (NumberFormatException e) {
            throw new ConfigException("\"" + value + "\" is not a whole number");
          }
        }
        case UMASK -> Values.parseUmask(value);
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
        case COMPILER_TYPE -> {
          if (!CompilerType.isValidSetting(value)) {
            throw new ConfigException(
                "unknown compiler type \""
                    + value
                    + "\" (use auto, clang, clang-cl, gcc, icl, msvc, nvcc or other)");
          }
        }
        case STRING -> {}
      }
    } catch (ConfigException e) {
      throw new ConfigException(where + ": " + k.key() + ": " + e.getMessage());
    }
    return value.trim();
  }

  private static List<String> splitList(String value) {
    List<String> out = new ArrayList<>();
    for (String w : LIST_SEPARATORS.split(value)) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  /**
   * What could not be used, one line each naming the file and line or the variable: unknown keys
   * (with the closest known one), bad values, ccache's keys distcache does not implement.
   */
  public List<String> notes() {
    return notes;
  }

  /**
   * What stops a compile, as ccache's configuration errors do: it prints {@code error: } and the
   * line, and exits 1 without compiling. Empty when none.
   */
  public List<String> errors() {
    return errors;
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

  /**
   * A value as ccache's {@code -p} and {@code -k} show it: sizes in ccache's parsable form ({@code
   * 5.0G}), a umask in three octal digits, everything else as it was written.
   */
  public String shown(ConfigKey k) {
    String value = get(k);
    try {
      return switch (k.type()) {
        case SIZE -> Values.formatParsableSize(Values.parseSize(value));
        case UMASK -> {
          OptionalInt umask = Values.parseUmask(value);
          yield umask.isPresent() ? String.format(Locale.ROOT, "%03o", umask.getAsInt()) : "";
        }
        default -> value;
      };
    } catch (ConfigException e) {
      throw new IllegalStateException(e);
    }
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

  /** The configured umask, or empty to use the client's. */
  public OptionalInt umask() {
    try {
      return Values.parseUmask(get(ConfigKey.UMASK));
    } catch (ConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  public int compressionLevel() {
    return Integer.parseInt(get(ConfigKey.COMPRESSION_LEVEL));
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
    return p.isBlank() ? List.of() : Arrays.asList(WHITESPACE.split(p.trim()));
  }

  /**
   * A colon-separated setting ({@code extra_files_to_hash}, {@code path}) as its non-empty parts.
   */
  public List<String> pathList(ConfigKey k) {
    List<String> out = new ArrayList<>();
    for (String p : get(k).split(":")) {
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return out;
  }

  /** A space-separated setting ({@code ignore_options}) as its words. */
  public List<String> words(ConfigKey k) {
    String v = get(k);
    return v.isBlank() ? List.of() : Arrays.asList(WHITESPACE.split(v.trim()));
  }

  /** Sets {@code key = value} in a configuration file, keeping every other line as it is. */
  public static void writeSetting(Path file, ConfigKey k, String value) throws ConfigException {
    writeSetting(file, k, value, OptionalInt.empty());
  }

  /**
   * The same, the file written with mode 0666 less {@code umask} when one is given (ccache's {@code
   * umask} applies to the files of the cache directory), else as the process's umask makes it.
   */
  public static void writeSetting(Path file, ConfigKey k, String value, OptionalInt umask)
      throws ConfigException {
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
      if (umask.isPresent()) {
        Files.setPosixFilePermissions(
            tmp, PosixFilePermissions.fromString(Values.modeText(0666 & ~umask.getAsInt())));
      }
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot write "
              + file
              + " ("
              + dev.distcache.core.IoReason.of(e)
              + "); set DISTCACHE_DIR (or -d, or --config-path) to a place you can write");
    }
  }
}
