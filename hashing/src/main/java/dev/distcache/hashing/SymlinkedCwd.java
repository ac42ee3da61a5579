package dev.distcache.hashing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Relative paths for a working directory reached through a symbolic link (ccache's
 * make_relative_path): the candidates are the path, and its real path, relative to the apparent and
 * to the physical directory; the shortest that names the same file when resolved from the physical
 * directory wins. A path that does not exist is taken through its nearest existing ancestor.
 */
final class SymlinkedCwd {
  private SymlinkedCwd() {}

  static String relativize(String path, Path apparent, Path physical) {
    try {
      Path existing = Path.of(path);
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null) {
        return path;
      }
      String suffix = existing.relativize(Path.of(path)).toString();
      List<Path> targets = new ArrayList<>(List.of(existing.normalize()));
      Path real = existing.toRealPath();
      if (!real.equals(targets.get(0))) {
        targets.add(real);
      }
      List<String> candidates = new ArrayList<>();
      for (Path t : targets) {
        candidates.add(relative(physical, t));
        candidates.add(relative(apparent.normalize(), t));
      }
      candidates.sort(Comparator.comparingInt(String::length));
      for (String c : candidates) {
        if (Files.exists(physical.resolve(c)) && Files.isSameFile(physical.resolve(c), existing)) {
          return suffix.isEmpty() ? c : c.equals(".") ? suffix : c + "/" + suffix;
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // Unreadable or odd: keep the path as given.
    }
    return path;
  }

  private static String relative(Path from, Path to) {
    String rel = from.relativize(to).toString();
    return rel.isEmpty() ? "." : rel;
  }
}
