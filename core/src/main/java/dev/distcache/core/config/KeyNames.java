package dev.distcache.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The names around the configuration keys: ccache's keys that distcache accepts but does not
 * implement (a copied {@code ccache.conf} must keep working), the {@code DISTCACHE_*} variables
 * that are not configuration, and the closest known name to a misspelt one.
 */
public final class KeyNames {
  private KeyNames() {}

  /**
   * ccache 4's keys that distcache does not act on, with their variable spelling (CCACHE_ replaced
   * by DISTCACHE_); booleans also take the NO-prefixed variable, as in ccache.
   */
  private static final Map<String, String> CCACHE_ONLY =
      new TreeMap<>(
          Map.ofEntries(
              Map.entry("cache_dir", "DIR"),
              Map.entry("compiler", "COMPILER"),
              Map.entry("cpp_extension", "EXTENSION"),
              Map.entry("debug_level", "DEBUGLEVEL"),
              Map.entry("file_clone", "FILECLONE"),
              Map.entry("ignore_headers_in_manifest", "IGNOREHEADERS"),
              Map.entry("inode_cache", "INODECACHE"),
              Map.entry("limit_multiple", "LIMIT_MULTIPLE"),
              Map.entry("msvc_dep_prefix", "MSVC_DEP_PREFIX"),
              Map.entry("pch_external_checksum", "PCH_EXTSUM"),
              Map.entry("response_file_format", "RESPONSE_FILE_FORMAT"),
              Map.entry("run_second_cpp", "CPP2"),
              Map.entry("secondary_storage", "SECONDARY_STORAGE"),
              Map.entry("temporary_dir", "TEMPDIR")));

  /** ccache's booleans among {@link #CCACHE_ONLY}: they also have a DISTCACHE_NO... variable. */
  private static final Set<String> CCACHE_ONLY_BOOLEANS =
      Set.of("file_clone", "inode_cache", "pch_external_checksum", "run_second_cpp");

  /**
   * The DISTCACHE_ variables that are not configuration keys: the cache directory, the clients' and
   * the launcher's own. Never reported as unknown.
   */
  private static final Set<String> NOT_CONFIGURATION =
      Set.of(
          "DISTCACHE_DIR",
          "DISTCACHE_CONFIGPATH",
          "DISTCACHE_JAVA_CLIENT",
          "DISTCACHE_DEPTH",
          "DISTCACHE_ARGV0",
          "DISTCACHE_CLIENT_JAVA_OPTS",
          "DISTCACHE_DAEMON_JAVA_OPTS",
          "DISTCACHE_NATIVE_CC",
          "DISTCACHE_DAEMON_READY_FILE");

  /**
   * Why {@code cache_dir}, which {@code -k} and {@code -p} show, is never read from a file: the
   * native client finds the server's socket from the cache directory without reading any.
   */
  public static final String CACHE_DIR_ONLY_FROM_ENVIRONMENT =
      "cache_dir is set by DISTCACHE_DIR (or -d DIR) only: the cache directory is chosen before"
          + " any configuration file is read";

  /**
   * What a note says of a ccache-only key that is set: that it is ignored, and why if not plain.
   */
  static String ignoredCcacheKey(String key) {
    if (key.equals("run_second_cpp")) {
      return "ccache's run_second_cpp is not implemented: distcache always compiles the source, as"
          + " run_second_cpp=true (ccache's default) does; compiling the preprocessed output"
          + " changes warnings and debug info from what the command gives; ignored";
    }
    return "ccache's " + key + " is not implemented by distcache; ignored";
  }

  /** Whether {@code key} is one of ccache's keys that distcache accepts without acting on it. */
  public static boolean isCcacheOnly(String key) {
    return CCACHE_ONLY.containsKey(key);
  }

  /**
   * The ccache-only key a {@code DISTCACHE_*} variable spells (either spelling, or NO-prefixed), if
   * any.
   */
  static Optional<String> ccacheOnlyKeyOfVariable(String variable) {
    for (Map.Entry<String, String> e : CCACHE_ONLY.entrySet()) {
      String key = e.getKey();
      if (variable.equals("DISTCACHE_" + e.getValue())
          || variable.equals("DISTCACHE_" + key.toUpperCase(Locale.ROOT))
          || (CCACHE_ONLY_BOOLEANS.contains(key)
              && variable.equals("DISTCACHE_NO" + e.getValue()))) {
        return key.equals("cache_dir") ? Optional.empty() : Optional.of(key);
      }
    }
    return Optional.empty();
  }

  static boolean isNotConfiguration(String variable) {
    return NOT_CONFIGURATION.contains(variable);
  }

  /** Every key name a configuration file may hold: distcache's and ccache's. */
  static List<String> allKeys() {
    List<String> out = new ArrayList<>();
    for (ConfigKey k : ConfigKey.values()) {
      out.add(k.key());
    }
    out.addAll(CCACHE_ONLY.keySet());
    return out;
  }

  /** Every configuration variable distcache reads, in every spelling. */
  static List<String> allVariables() {
    List<String> out = new ArrayList<>();
    for (ConfigKey k : ConfigKey.values()) {
      out.add(k.envName());
      out.add(k.plainEnvName());
      if (k.type() == ConfigKey.Type.BOOL) {
        out.add(k.negatedEnvName());
      }
    }
    return out;
  }

  /**
   * The name among {@code candidates} closest to {@code name} (optimal string alignment distance,
   * case-insensitive), when it is close enough to be a likely misspelling: at most a third of the
   * name's length, and at most 3.
   */
  public static Optional<String> closest(String name, List<String> candidates) {
    String lower = name.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(lower, c.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    int limit = Math.min(3, Math.max(1, lower.length() / 3));
    return best != null && bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  /**
   * Damerau-Levenshtein distance (optimal string alignment: insert, delete, replace, swap two
   * neighbours).
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}
