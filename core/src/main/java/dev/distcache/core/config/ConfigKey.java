package dev.distcache.core.config;

import java.util.List;

/**
 * The configuration keys: ccache's names and environment variable spellings (with DISTCACHE_ in
 * place of CCACHE_) wherever the meaning is the same.
 */
public enum ConfigKey {
  BASE_DIR("base_dir", "BASEDIR", "", Type.PATH),
  COMPILER_CHECK("compiler_check", "COMPILERCHECK", "mtime", Type.STRING),
  /** false stores results and manifests uncompressed; either kind reads back whatever it says. */
  COMPRESSION("compression", "COMPRESS", "true", Type.BOOL),
  /** ccache's zstd levels mapped onto LZ4: up to 2 LZ4 fast, 3 and up LZ4 HC (see Compression). */
  COMPRESSION_LEVEL("compression_level", "COMPRESSLEVEL", "0", Type.INTEGER),
  DEBUG("debug", "DEBUG", "false", Type.BOOL),
  DEPEND_MODE("depend_mode", "DEPEND", "false", Type.BOOL),
  DIRECT_MODE("direct_mode", "DIRECT", "true", Type.BOOL),
  DISABLE("disable", "DISABLE", "false", Type.BOOL),
  /**
   * Accepted and does nothing: results live inside the RocksDB store, which has no file to link an
   * output to (see the README).
   */
  HARD_LINK("hard_link", "HARDLINK", "false", Type.BOOL),
  HASH_DIR("hash_dir", "HASHDIR", "true", Type.BOOL),
  /** Remote compile hosts in distcc's grammar; unset means distcc's places ($DISTCC_HOSTS, ...). */
  HOSTS("hosts", "HOSTS", "", Type.STRING),
  IDLE_TIMEOUT("idle_timeout", "IDLETIMEOUT", "600", Type.DURATION),
  LOG_FILE("log_file", "LOGFILE", "", Type.PATH),
  MAX_FILES("max_files", "MAXFILES", "0", Type.COUNT),
  MAX_SIZE("max_size", "MAXSIZE", "5G", Type.SIZE),
  PREFIX_COMMAND("prefix_command", "PREFIX", "", Type.STRING),
  READ_ONLY("read_only", "READONLY", "false", Type.BOOL),
  /** Hits through direct mode only; nothing is stored and the preprocessor mode is not tried. */
  READ_ONLY_DIRECT("read_only_direct", "READONLY_DIRECT", "false", Type.BOOL),
  RECACHE("recache", "RECACHE", "false", Type.BOOL),
  SLOPPINESS("sloppiness", "SLOPPINESS", "", Type.SLOPPINESS),
  STATS("stats", "STATS", "true", Type.BOOL),
  /** A file each compile appends its counter changes to, in ccache's format. */
  STATS_LOG("stats_log", "STATSLOG", "", Type.PATH),
  /** An octal umask for the files distcache creates for the user; empty uses the client's. */
  UMASK("umask", "UMASK", "", Type.UMASK);

  /** How a value is checked when it is read. */
  public enum Type {
    STRING,
    PATH,
    BOOL,
    SIZE,
    COUNT,
    /** A whole number, negative allowed. */
    INTEGER,
    /** An octal umask such as 002; empty for none. */
    UMASK,
    DURATION,
    SLOPPINESS
  }

  /** ccache's sloppiness words; distcache accepts all of them and acts on those it implements. */
  public static final List<String> SLOPPINESS_WORDS =
      List.of(
          "clang_index_store",
          "file_macro",
          "file_stat_matches",
          "file_stat_matches_ctime",
          "gcno_cwd",
          "incbin",
          "include_file_ctime",
          "include_file_mtime",
          "ivfsoverlay",
          "locale",
          "modules",
          "pch_defines",
          "random_seed",
          "system_headers",
          "time_macros");

  private final String key;
  private final String envName;
  private final String negatedEnvName;
  private final String plainEnvName;
  private final String defaultValue;
  private final Type type;

  ConfigKey(String key, String envName, String defaultValue, Type type) {
    this.key = key;
    this.envName = "DISTCACHE_" + envName;
    this.negatedEnvName = "DISTCACHE_NO" + envName;
    this.plainEnvName = "DISTCACHE_" + key.toUpperCase(java.util.Locale.ROOT);
    this.defaultValue = defaultValue;
    this.type = type;
  }

  public String key() {
    return key;
  }

  /** The ccache-style variable, e.g. {@code DISTCACHE_MAXSIZE}. */
  public String envName() {
    return envName;
  }

  /** The negating variable for booleans, e.g. {@code DISTCACHE_NOHASHDIR}. */
  public String negatedEnvName() {
    return negatedEnvName;
  }

  /** The key spelled as a variable, e.g. {@code DISTCACHE_MAX_SIZE}; accepted as well. */
  public String plainEnvName() {
    return plainEnvName;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public Type type() {
    return type;
  }

  public static ConfigKey byKey(String key) {
    for (ConfigKey k : values()) {
      if (k.key.equals(key)) {
        return k;
      }
    }
    return null;
  }
}
