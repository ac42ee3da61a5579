package dev.distcache.hashing;

import dev.distcache.core.args.PrefixMap;
import java.io.IOException;
import java.nio.file.Files;
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

  /**
   * Relative to the working directory when absolute and under base_dir; otherwise unchanged. The
   * relative path is normalized ({@code //}, {@code /./}, {@code dir/..} removed, as in ccache)
   * only where the path as given names the same existing file as its normal form: the kernel walks
   * {@code link/..} and {@code missing/..} otherwise than the text reads, and such a path stays as
   * given.
   */
  public String relativize(String path) {
    if (baseDir.isEmpty() || !path.startsWith("/")) {
      return path;
    }
    if (!(path.equals(baseDir) || path.startsWith(baseDir.equals("/") ? "/" : baseDir + "/"))) {
      return path;
    }
    try {
      Path given = Path.of(path);
      if (!normalizesFaithfully(given)) {
        return path;
      }
      Path real = physical();
      if (real != null) {
        return SymlinkedCwd.relativize(path, cwd, real);
      }
      String rel = viaRealPath(given, cwd.relativize(given).toString());
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

  /**
   * As ccache: where the path climbs out of the working directory, its real path may lead there
   * shorter (the working directory reached through a symbolic link, {@code PWD} unset or relative);
   * that one is taken when it names the same file.
   */
  private String viaRealPath(Path given, String rel) {
    if (!rel.startsWith("..")) {
      return rel;
    }
    try {
      String real = cwd.relativize(given.toRealPath()).toString();
      return real.length() < rel.length() && Files.isSameFile(cwd.resolve(real), given)
          ? real
          : rel;
    } catch (IOException | SecurityException | IllegalArgumentException e) {
      return rel;
    }
  }

  /** True when the path has no dot names, or names the same existing file as its normal form. */
  private static boolean normalizesFaithfully(Path path) {
    boolean dots = false;
    for (Path name : path) {
      dots |= name.toString().equals(".") || name.toString().equals("..");
    }
    if (!dots) {
      return true;
    }
    try {
      return Files.isSameFile(path, path.normalize());
    } catch (IOException | SecurityException e) {
      return false; // missing: the compiler cannot use it under either name
    }
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
