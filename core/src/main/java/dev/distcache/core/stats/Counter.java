package dev.distcache.core.stats;

/**
 * Statistics counters. Ids are ccache's ({@code --print-stats}) where the meaning is the same, so
 * scripts that parse ccache's machine-readable stats keep working.
 */
public enum Counter {
  AUTOCONF_TEST("autoconf_test", "Autoconf compile/link", Kind.UNCACHEABLE),
  BAD_COMPILER_ARGUMENTS("bad_compiler_arguments", "Bad compiler arguments", Kind.UNCACHEABLE),
  /**
   * An include file is not a regular file (the client's stdin, a device, a FIFO): the client
   * compiles.
   */
  BAD_INPUT_FILE("bad_input_file", "Could not read or parse input file", Kind.ERROR),
  BAD_OUTPUT_FILE("bad_output_file", "Could not write to output file", Kind.ERROR),
  CACHE_MISS("cache_miss", null, Kind.OTHER),
  CALLED_FOR_LINK("called_for_link", "Called for linking", Kind.UNCACHEABLE),
  CALLED_FOR_PREPROCESSING(
      "called_for_preprocessing", "Called for preprocessing", Kind.UNCACHEABLE),
  CLEANUPS_PERFORMED("cleanups_performed", null, Kind.OTHER),
  COMPILE_FAILED("compile_failed", "Compilation failed", Kind.UNCACHEABLE),
  COMPILER_CHECK_FAILED("compiler_check_failed", "Compiler check failed", Kind.ERROR),
  COMPILER_PRODUCED_NO_OUTPUT(
      "compiler_produced_no_output", "Compiler output file missing", Kind.UNCACHEABLE),
  COMPILER_PRODUCED_EMPTY_OUTPUT(
      "compiler_produced_empty_output", "Compiler produced empty output", Kind.UNCACHEABLE),
  /** ccache's; never counted (stdout is replayed like stderr), listed as ccache lists it. */
  COMPILER_PRODUCED_STDOUT(
      "compiler_produced_stdout", "Compiler produced stdout", Kind.UNCACHEABLE),
  COULD_NOT_FIND_COMPILER("could_not_find_compiler", "Could not find compiler", Kind.ERROR),
  COULD_NOT_USE_PRECOMPILED_HEADER(
      "could_not_use_precompiled_header", "Could not use precompiled header", Kind.UNCACHEABLE),
  COULD_NOT_USE_MODULES("could_not_use_modules", "Could not use modules", Kind.UNCACHEABLE),
  /**
   * A miss answered by the result of the identical compile another request was running: it waited
   * for that compile instead of running its own (not ccache's; ccache compiles twice).
   */
  DEDUPLICATED_COMPILE("deduplicated_compile", null, Kind.OTHER),
  DIRECT_CACHE_HIT("direct_cache_hit", null, Kind.OTHER),
  DIRECT_CACHE_MISS("direct_cache_miss", null, Kind.OTHER),
  /** A file of extra_files_to_hash could not be read: the compile runs without the cache. */
  ERROR_HASHING_EXTRA_FILE("error_hashing_extra_file", "Error hashing extra file", Kind.ERROR),
  INTERNAL_ERROR("internal_error", "Internal error", Kind.ERROR),
  LOCAL_STORAGE_HIT("local_storage_hit", null, Kind.OTHER),
  LOCAL_STORAGE_MISS("local_storage_miss", null, Kind.OTHER),
  LOCAL_STORAGE_READ_HIT("local_storage_read_hit", null, Kind.OTHER),
  LOCAL_STORAGE_READ_MISS("local_storage_read_miss", null, Kind.OTHER),
  LOCAL_STORAGE_WRITE("local_storage_write", null, Kind.OTHER),
  /**
   * A result could not be stored (a full disk, say); the compile itself succeeded. Not a ccache id.
   */
  LOCAL_STORAGE_WRITE_FAILED("local_storage_write_failed", null, Kind.OTHER),
  /** A stored entry failed its checksum or could not be decoded; it was removed and not served. */
  CORRUPT_CACHE_ENTRY("corrupt_cache_entry", "Corrupt cache entry removed", Kind.ERROR),
  MISSING_CACHE_FILE("missing_cache_file", "Missing cache file", Kind.ERROR),
  MULTIPLE_SOURCE_FILES("multiple_source_files", "Multiple source files", Kind.UNCACHEABLE),
  NO_INPUT_FILE("no_input_file", "No input file", Kind.UNCACHEABLE),
  OUTPUT_TO_STDOUT("output_to_stdout", "Output to stdout", Kind.UNCACHEABLE),
  PREPROCESSED_CACHE_HIT("preprocessed_cache_hit", null, Kind.OTHER),
  PREPROCESSED_CACHE_MISS("preprocessed_cache_miss", null, Kind.OTHER),
  PREPROCESSOR_ERROR("preprocessor_error", "Preprocessing failed", Kind.UNCACHEABLE),
  RECACHE("recache", "Forced recache", Kind.UNCACHEABLE),
  /** A cache miss compiled on a remote host (distcc protocol) and used. */
  REMOTE_COMPILE("remote_compile", null, Kind.OTHER),
  /**
   * Of {@link #REMOTE_COMPILE}, those sent with their sources and headers (debug info), compiled on
   * the daemon under the client's paths. Not a ccache id.
   */
  REMOTE_COMPILE_SOURCES("remote_compile_sources", null, Kind.OTHER),
  /**
   * A remote host answered a compile error; the compile was retried locally unless
   * DISTCC_SKIP_LOCAL_RETRY.
   */
  REMOTE_COMPILE_ERROR("remote_compile_error", null, Kind.OTHER),
  /**
   * A remote host refused or did not accept a connection; it was backed off and the compile went
   * elsewhere.
   */
  REMOTE_HOST_UNREACHABLE("remote_host_unreachable", null, Kind.OTHER),
  /**
   * A remote job broke after it was sent (connection lost, timeout, bad answer); retried locally.
   */
  REMOTE_JOB_FAILED("remote_job_failed", null, Kind.OTHER),
  /** ccache's remote storage counters: the tiers after the local store (none yet). */
  REMOTE_STORAGE_ERROR("remote_storage_error", null, Kind.OTHER),
  REMOTE_STORAGE_HIT("remote_storage_hit", null, Kind.OTHER),
  REMOTE_STORAGE_MISS("remote_storage_miss", null, Kind.OTHER),
  REMOTE_STORAGE_READ_HIT("remote_storage_read_hit", null, Kind.OTHER),
  REMOTE_STORAGE_READ_MISS("remote_storage_read_miss", null, Kind.OTHER),
  REMOTE_STORAGE_TIMEOUT("remote_storage_timeout", null, Kind.OTHER),
  REMOTE_STORAGE_WRITE("remote_storage_write", null, Kind.OTHER),
  /**
   * The store would not open (damaged files) and was moved aside for an empty one. Not a ccache id.
   */
  STORE_MOVED_ASIDE("store_moved_aside", null, Kind.OTHER),
  /** When a request last changed the counters (or they were zeroed), in seconds since 1970. */
  STATS_UPDATED_TIMESTAMP("stats_updated_timestamp", null, Kind.OTHER),
  /** When the counters were last zeroed, in seconds since 1970. */
  STATS_ZEROED_TIMESTAMP("stats_zeroed_timestamp", null, Kind.OTHER),
  /**
   * The source makes the assembler read a file ({@code .incbin}, {@code .include}) that no key can
   * follow.
   */
  UNSUPPORTED_CODE_DIRECTIVE(
      "unsupported_code_directive", "Unsupported code directive", Kind.UNCACHEABLE),
  UNSUPPORTED_COMPILER_OPTION(
      "unsupported_compiler_option", "Unsupported compiler option", Kind.UNCACHEABLE),
  UNSUPPORTED_ENVIRONMENT_VARIABLE(
      "unsupported_environment_variable", "Unsupported environment variable", Kind.UNCACHEABLE),
  UNSUPPORTED_SOURCE_LANGUAGE(
      "unsupported_source_language", "Unsupported source language", Kind.UNCACHEABLE);

  /** How a counter adds into the summary lines of {@code -s}. */
  public enum Kind {
    UNCACHEABLE,
    ERROR,
    OTHER
  }

  private final String id;
  private final String description;
  private final Kind kind;

  Counter(String id, String description, Kind kind) {
    this.id = id;
    this.description = description;
    this.kind = kind;
  }

  /** The machine-readable id, as printed by {@code --print-stats}. */
  public String id() {
    return id;
  }

  /** The human-readable label for {@code -s}, or null for counters shown only in summaries. */
  public String description() {
    return description;
  }

  public Kind kind() {
    return kind;
  }

  /** Looks a counter up by its id; null when unknown (a newer server may know more counters). */
  public static Counter byId(String id) {
    for (Counter c : values()) {
      if (c.id.equals(id)) {
        return c;
      }
    }
    return null;
  }
}
