package dev.distcache.hashing;

import dev.distcache.core.args.PrefixMap;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How paths enter the key. Under {@code base_dir}, an absolute path is made relative to the working
 * directory so that checkouts at different places share results; a path that reaches the outputs
 * verbatim (debug info) is first passed through the compile's own prefix maps, exactly as the
 * compiler will, and only what those maps leave is hashed.
 *
 * <p>The working directory is the apparent one ({@code $PWD}, which may be reached through a
 * symbolic link). When it is not the physical directory, a relative path must still name the same
 * file from the physical one, where the compiler and direct mode resolve it: as ccache does, the
 * shortest of the paths relative to either directory that does is taken, else the path stays.
 */
public final class PathPolicy {
  private final String baseDir;
  private final Path cwd;
  private final List<PrefixMap> maps;
  private Path physical;

  /**
   * @param baseDir the {@code base_dir} setting, or empty for none
   * @param cwd the apparent working directory
   */
  public PathPolicy(String baseDir, Path cwd, List<PrefixMap> maps) {
    this.baseDir =
        baseDir.endsWith("/") && baseDir.length() > 1
            ? baseDir.substring(0, baseDir.length() - 1)
            : baseDir;
    this.cwd = cwd;
    this.maps = List.copyOf(maps);
  }

  /** True when base_dir is set. */
  public boolean active() {
    return !baseDir.isEmpty();
  }

  /** Relative to the working directory when absolute and under base_dir; otherwise unchanged. */
  public String relativize(String path) {
    if (baseDir.isEmpty() || !path.startsWith("/")) {
      return path;
    }
    if (!(path.equals(baseDir) || path.startsWith(baseDir.equals("/") ? "/" : baseDir + "/"))) {
      return path;
    }
    Path real = physical();
    if (real != null) {
      return SymlinkedCwd.relativize(path, cwd, real);
    }
    try {
      String rel = cwd.relativize(Path.of(path)).toString();
      return rel.isEmpty() ? "." : rel;
    } catch (IllegalArgumentException e) {
      return path;
    }
  }

  /** The physical working directory when it differs from the apparent one, else null. */
  private Path physical() {
    if (physical == null) {
      try {
        physical = cwd.toRealPath();
      } catch (IOException | SecurityException e) {
        physical = cwd;
      }
    }
    return physical.equals(cwd) ? null : physical;
  }

  /** Applies the prefix maps as gcc does: the last map given whose old prefix matches wins. */
  public String map(String path) {
    for (int i = maps.size() - 1; i >= 0; i--) {
      PrefixMap m = maps.get(i);
      if (path.startsWith(m.oldPrefix())) {
        return m.apply(path);
      }
    }
    return path;
  }
}
