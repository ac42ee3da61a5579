package dev.distcache.core.config;

import java.util.List;

/**
 * The configuration keys: ccache's names and environment variable spellings (with DISTCACHE_ in
 * place of CCACHE_) wherever the meaning is the same.
 */
public enum ConfigKey {
  /** Relative paths in diagnostics made absolute on output. */
  ABSOLUTE_PATHS_IN_STDERR("absolute_paths_in_stderr", "ABSSTDERR", "false", Type.BOOL),
  BASE_DIR("base_dir", "BASEDIR", "", Type.PATH),
  COMPILER_CHECK("compiler_check", "COMPILERCHECK", "mtime", Type.STRING),
  /** auto (guessed from the compiler's name), clang, clang-cl, gcc, icl, msvc, nvcc or other. */
  COMPILER_TYPE("compiler_type", "COMPILERTYPE", "auto", Type.COMPILER_TYPE),
  /** false stores results and manifests uncompressed; either kind reads back whatever it says. */
  COMPRESSION("compression", "COMPRESS", "true", Type.BOOL),
  /** ccache's zstd levels mapped onto LZ4: up to 2 LZ4 fast, 3 and up LZ4 HC (see Compression). */
  COMPRESSION_LEVEL("compression_level", "COMPRESSLEVEL", "0", Type.INTEGER),
  DEBUG("debug", "DEBUG", "false", Type.BOOL),
  /** Where debug files go (under the object's absolute path); empty: next to the object. */
  DEBUG_DIR("debug_dir", "DEBUGDIR", "", Type.PATH),
  DEPEND_MODE("depend_mode", "DEPEND", "false", Type.BOOL),
  DIRECT_MODE("direct_mode", "DIRECT", "true", Type.BOOL),
  DISABLE("disable", "DISABLE", "false", Type.BOOL),
  /** Colon-separated files whose contents enter every key. */
  EXTRA_FILES_TO_HASH("extra_files_to_hash", "EXTRAFILES", "", Type.STRING),
  /**
   * Accepted and does nothing: results live inside the RocksDB store, which has no file to link an
   * output to (see the README).
   */
  HARD_LINK("hard_link", "HARDLINK", "false", Type.BOOL),
  HASH_DIR("hash_dir", "HASHDIR", "true", Type.BOOL),
  /** Remote compile hosts in distcc's grammar; unset means distcc's places ($DISTCC_HOSTS, ...). */
  HOSTS("hosts", "HOSTS", "", Type.STRING),
  IDLE_TIMEOUT("idle_timeout", "IDLETIMEOUT", "600", Type.DURATION),
  /** Space-separated options left out of the key; a trailing {@code *} matches a prefix. */
  IGNORE_OPTIONS("ignore_options", "IGNOREOPTIONS", "", Type.STRING),
  /** The preprocessor keeps comments ({@code -C}) in the text that is hashed. */
  KEEP_COMMENTS_CPP("keep_comments_cpp", "COMMENTS", "false", Type.BOOL),
  LOG_FILE("log_file", "LOGFILE", "", Type.PATH),
  MAX_FILES("max_files", "MAXFILES", "0", Type.COUNT),
  MAX_SIZE("max_size", "MAXSIZE", "5G", Type.SIZE),
  /** Part of every key: entries of different namespaces never share. */
  NAMESPACE("namespace", "NAMESPACE", "", Type.STRING),
  /** Colon-separated directories searched for the real compiler instead of PATH. */
  PATH("path", "PATH", "", Type.STRING),
  PREFIX_COMMAND("prefix_command", "PREFIX", "", Type.STRING),
  /** A command put in front of the preprocessor run. */
  PREFIX_COMMAND_CPP("prefix_command_cpp", "PREFIX_CPP", "", Type.STRING),
  READ_ONLY("read_only", "READONLY", "false", Type.BOOL),
  /** Hits through direct mode only; nothing is stored and the preprocessor mode is not tried. */
  READ_ONLY_DIRECT("read_only_direct", "READONLY_DIRECT", "false", Type.BOOL),
  RECACHE("recache", "RECACHE", "false", Type.BOOL),
  /** Only the remote storages are used: the local store is neither read nor written. */
  REMOTE_ONLY("remote_only", "REMOTE_ONLY", "false", Type.BOOL),
  /**
   * The shared cache tier: space-separated URLs ({@code redis://}, {@code redis+unix:}, {@code
   * http://}, {@code https://}, {@code file:}), each with {@code |attribute=value} options, spelled
   * as in ccache.
   */
  REMOTE_STORAGE("remote_storage", "REMOTE_STORAGE", "", Type.STRING),
  /** The CAs (PEM) that sign the {@code ,tls} daemons' certificates; empty trusts the JDK's CAs. */
  REMOTE_TLS_CA("remote_tls_ca", "REMOTE_TLS_CA", "", Type.PATH),
  /** The client's certificate (PEM) for {@code ,tls} daemons that require one. */
  REMOTE_TLS_CERT("remote_tls_cert", "REMOTE_TLS_CERT", "", Type.PATH),
  /** The unencrypted PKCS#8 key (PEM) of {@link #REMOTE_TLS_CERT}. */
  REMOTE_TLS_KEY("remote_tls_key", "REMOTE_TLS_KEY", "", Type.PATH),
  /** A file holding the bearer token sent to {@code ,tls} daemons; never logged. */
  REMOTE_TOKEN_FILE("remote_token_file", "REMOTE_TOKEN_FILE", "", Type.PATH),
  /** A local hit is written to the remote storages too. */
  RESHARE("reshare", "RESHARE", "false", Type.BOOL),
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
    SLOPPINESS,
    COMPILER_TYPE
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
