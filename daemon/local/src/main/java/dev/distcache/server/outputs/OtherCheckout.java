package dev.distcache.server.outputs;

import dev.distcache.core.args.Invocation;
import dev.distcache.core.args.KeyArg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * How a dependency file stored by a compile in another checkout becomes this compile's. gcc names
 * each file as the arguments led it there: an include directory or the source as given, then the
 * header's name. When this compile's path arguments are the stored ones with one directory prefix
 * swapped (the checkouts' roots: the first differing paths without their common trailing names),
 * gcc here writes the stored names with that prefix swapped, and nothing else changes. Anything
 * else (another argument, a path not under the root, a root that gcc would quote) is not servable.
 * A header that names the other checkout's absolute path in its own text is not told apart.
 */
final class OtherCheckout {
  /** The source, then each key argument (its path where it has one), separated by NUL. */
  static final String META_PATHS = "origin_paths";

  private OtherCheckout() {}

  /** What a result with a dependency file stores so that another checkout can serve it. */
  static Map<String, String> meta(Invocation inv) {
    return Map.of(META_PATHS, String.join("\0", paths(inv)));
  }

  /**
   * The renaming of dependency-file names (as gcc writes them) from the stored compile's to this
   * one's, or null when this compile's names cannot be told from the stored ones. The renaming
   * itself gives null for a name it cannot tell.
   */
  static UnaryOperator<String> renamer(Map<String, String> meta, Invocation inv, Path cwd) {
    String storedPaths = meta.get(META_PATHS);
    if (storedPaths == null) {
      return null;
    }
    List<String> stored = List.of(storedPaths.split("\0", -1));
    List<String> current = paths(inv);
    List<Boolean> isPath = pathFlags(inv);
    if (stored.size() != current.size()) {
      return null;
    }
    if (!stored.get(0).equals(current.get(0))
        && stored.subList(1, stored.size()).equals(current.subList(1, current.size()))) {
      return sourceRenamer(stored.get(0), current.get(0), cwd, inv);
    }
    String[] roots = null;
    for (int k = 0; k < current.size() && roots == null; k++) {
      if (!stored.get(k).equals(current.get(k))) {
        roots = isPath.get(k) ? roots(stored.get(k), current.get(k)) : null;
        if (roots == null) {
          return null;
        }
      }
    }
    if (roots == null) {
      return UnaryOperator.identity();
    }
    String from = roots[0];
    String to = roots[1];
    for (int k = 0; k < current.size(); k++) {
      boolean same =
          isPath.get(k)
              ? swap(stored.get(k) + "/", from, to).equals(current.get(k) + "/")
              : stored.get(k).equals(current.get(k));
      if (!same) {
        return null;
      }
    }
    return n -> swap(n, from, to);
  }

  /**
   * The source named relative to the working directory when stored and by an absolute path to the
   * same directory now. With every path argument absolute, each relative name gcc writes comes from
   * the source's directory (the source itself, and the headers found beside it, as that directory
   * followed by the name), so it gets the absolute directory in front; a relative name from
   * anywhere else makes the whole file unservable (the renaming gives null).
   */
  private static UnaryOperator<String> sourceRenamer(
      String from, String to, Path cwd, Invocation inv) {
    Path fromPath = Path.of(from);
    if (from.startsWith("/") || !to.startsWith("/") || !sameDirectory(cwd, fromPath, to)) {
      return null;
    }
    for (Path name : fromPath) {
      if (name.toString().equals(".") || name.toString().equals("..")) {
        return null;
      }
    }
    for (KeyArg a : inv.keyArgs()) {
      if (a.hasPath() && !a.path().startsWith("/")) {
        return null; // it could name files under the source's directory too
      }
    }
    String fromDir = fromPath.getParent() == null ? "" : fromPath.getParent() + "/";
    String toDir = Path.of(to).getParent() + "/";
    if (!plain(toDir) || !plain(fromDir)) {
      return null;
    }
    return n -> {
      if (n.startsWith("/")) {
        return n;
      }
      return n.startsWith(fromDir) ? toDir + n.substring(fromDir.length()) : null;
    };
  }

  /**
   * True when the source's directory is the same directory under both names (the working directory
   * may be reached through a symbolic link in the absolute one).
   */
  private static boolean sameDirectory(Path cwd, Path from, String to) {
    Path fromDir = from.getParent() == null ? cwd : cwd.resolve(from.getParent());
    try {
      return from.getFileName().toString().equals(Path.of(to).getFileName().toString())
          && Files.isSameFile(fromDir, Path.of(to).getParent());
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  /**
   * Two absolute paths without their common trailing names, each ending in a slash (a path with
   * none in common is its own root); null when either root is {@code /}, or gcc would quote it.
   */
  private static String[] roots(String a, String b) {
    if (!a.startsWith("/") || !b.startsWith("/")) {
      return null;
    }
    int i = a.length();
    int j = b.length();
    while (i > 0 && j > 0 && a.charAt(i - 1) == b.charAt(j - 1)) {
      i--;
      j--;
    }
    // back to the start of the first common name
    while (i < a.length() && a.charAt(i) != '/') {
      i++;
      j++;
    }
    // no common trailing name: the paths are the roots themselves
    String from = i >= a.length() ? a + "/" : a.substring(0, i + 1);
    String to = i >= a.length() ? b + "/" : b.substring(0, j + 1);
    if (from.equals("/") || to.equals("/") || !plain(from) || !plain(to)) {
      return null;
    }
    return new String[] {from, to};
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
