package dev.distcache.server.outputs;

import dev.distcache.core.args.Invocation;
import dev.distcache.core.args.KeyArg;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * How a dependency file stored by a compile in another checkout becomes this compile's. gcc names
 * each file as the arguments led it there: an include directory as given, then the header's name.
 * When this compile's working directory and path arguments are the stored ones with one directory
 * prefix swapped (the checkouts' roots: the working directories without their common trailing
 * names), gcc here writes the stored names with that prefix swapped, and nothing else changes.
 * Anything else (other arguments, a source named otherwise, a root that gcc would quote) is not
 * servable.
 */
final class OtherCheckout {
  /** The working directory of the compile that stored the result. */
  static final String META_CWD = "origin_cwd";

  /** Its source, then each key argument (its path where it has one), separated by NUL. */
  static final String META_PATHS = "origin_paths";

  private static final String ROOT = "\0/";

  private OtherCheckout() {}

  /** What a result with a dependency file stores so that another checkout can serve it. */
  static Map<String, String> meta(Invocation inv, Path cwd) {
    return Map.of(META_CWD, cwd.toString(), META_PATHS, String.join("\0", paths(inv)));
  }

  /**
   * The renaming of dependency-file names (as gcc writes them) from the stored compile's to this
   * one's, or null when this compile's names cannot be told from the stored ones.
   */
  static UnaryOperator<String> renamer(Map<String, String> meta, Invocation inv, Path cwd) {
    String storedCwd = meta.get(META_CWD);
    String storedPaths = meta.get(META_PATHS);
    if (storedCwd == null || storedPaths == null) {
      return null;
    }
    Path from = Path.of(storedCwd);
    int i = from.getNameCount();
    int j = cwd.getNameCount();
    while (i > 0 && j > 0 && from.getName(i - 1).equals(cwd.getName(j - 1))) {
      i--;
      j--;
    }
    String fromRoot = root(from, i);
    String toRoot = root(cwd, j);
    if (!plain(fromRoot) || !plain(toRoot)) {
      return null; // gcc would quote it in the dependency file
    }
    List<String> stored = List.of(storedPaths.split("\0", -1));
    List<String> current = paths(inv);
    List<Boolean> isPath = pathFlags(inv);
    if (stored.size() != current.size()) {
      return null;
    }
    for (int k = 0; k < current.size(); k++) {
      boolean same =
          isPath.get(k)
              ? swap(stored.get(k), fromRoot, ROOT).equals(swap(current.get(k), toRoot, ROOT))
              : stored.get(k).equals(current.get(k));
      if (!same) {
        return null;
      }
    }
    return fromRoot.equals(toRoot) ? UnaryOperator.identity() : n -> swap(n, fromRoot, toRoot);
  }

  /** The first {@code names} names of {@code dir} as a prefix ending in a slash. */
  private static String root(Path dir, int names) {
    return names == 0 ? "/" : "/" + dir.subpath(0, names) + "/";
  }

  private static String swap(String path, String from, String to) {
    return path.startsWith(from) ? to + path.substring(from.length()) : path;
  }

  /** True when gcc writes the text as it is in a dependency file (printable ASCII, no quoting). */
  private static boolean plain(String s) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c <= ' ' || c > '~' || "$#\\:%".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  private static List<String> paths(Invocation inv) {
    List<String> out = new ArrayList<>();
    out.add(inv.source());
    for (KeyArg a : inv.keyArgs()) {
      out.add(a.hasPath() ? a.path() : a.text());
    }
    return out;
  }

  private static List<Boolean> pathFlags(Invocation inv) {
    List<Boolean> out = new ArrayList<>();
    out.add(true);
    inv.keyArgs().forEach(a -> out.add(a.hasPath()));
    return out;
  }
}
