package dev.distcache.remote.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which compilers the daemon runs, and where it finds them. As distccd does, a leading {@code
 * /usr/bin/} or {@code /bin/} is stripped from argv[0]; any other path is refused; the name must be
 * in a masquerade directory (distccd's {@code /usr/lib/distcc} by default: any executable entry,
 * usually a link to distcc) or in the {@code --allow-compiler} list. The binary run is the first of
 * that name on the daemon's PATH that is neither in a masquerade directory nor itself distcc or
 * distcache. Thread-safe (immutable).
 */
public final class CompilerPolicy {
  private static final List<String> STRIPPED = List.of("/usr/bin/", "/bin/");
  private static final Set<String> WRAPPERS = Set.of("distcc", "distcache");

  private final List<Path> masqueradeDirs;
  private final Set<String> names;
  private final List<Path> searchPath;

  public CompilerPolicy(List<Path> masqueradeDirs, List<String> names, String pathVariable) {
    this.masqueradeDirs = List.copyOf(masqueradeDirs);
    this.names = Set.copyOf(names);
    List<Path> dirs = new ArrayList<>();
    for (String entry :
        (pathVariable == null ? "/usr/local/bin:/usr/bin:/bin" : pathVariable).split(":")) {
      if (!entry.isEmpty() && entry.startsWith("/") && !isMasquerade(Path.of(entry))) {
        dirs.add(Path.of(entry));
      }
    }
    this.searchPath = List.copyOf(dirs);
  }

  /** argv[0] as the daemon runs it, or why it is refused. */
  public String allowedName(String argv0) throws JobRefused {
    String name = argv0;
    for (String prefix : STRIPPED) {
      if (name.startsWith(prefix)) {
        name = name.substring(prefix.length());
        break;
      }
    }
    if (name.contains("/")) {
      throw new JobRefused(
          "compiler name <"
              + argv0
              + "> cannot be a path (only a leading /usr/bin/ or /bin/ is"
              + " stripped)");
    }
    if (!name.matches("[A-Za-z0-9+_][A-Za-z0-9+_.-]*")) {
      throw new JobRefused("compiler name <" + argv0 + "> is not a file name");
    }
    if (names.contains(name)) {
      return name;
    }
    for (Path dir : masqueradeDirs) {
      Path entry = dir.resolve(name);
      if (Files.isExecutable(entry) && !Files.isDirectory(entry)) {
        return name;
      }
    }
    throw new JobRefused(name + " is not in the daemon's allowed compilers (" + describe() + ")");
  }

  /** The binary to run for an allowed name; empty when the daemon's PATH has none. */
  public Optional<Path> resolve(String name) {
    for (Path dir : searchPath) {
      Path candidate = dir.resolve(name);
      try {
        if (Files.isRegularFile(candidate)
            && Files.isExecutable(candidate)
            && !WRAPPERS.contains(candidate.toRealPath().getFileName().toString())) {
          return Optional.of(candidate);
        }
      } catch (IOException | InvalidPathException e) {
        // Unreadable entry: try the next directory.
      }
    }
    return Optional.empty();
  }

  /** The allowed list, for messages. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (Path d : masqueradeDirs) {
      parts.add("links in " + d);
    }
    if (!names.isEmpty()) {
      parts.add("--allow-compiler " + String.join(",", names.stream().sorted().toList()));
    }
    return parts.isEmpty() ? "none" : String.join("; ", parts);
  }

  private boolean isMasquerade(Path dir) {
    for (Path m : masqueradeDirs) {
      if (m.normalize().equals(dir.normalize())) {
        return true;
      }
      try {
        if (Files.isSameFile(m, dir)) {
          return true;
        }
      } catch (IOException e) {
        // One of them does not exist: not the same directory.
      }
    }
    return false;
  }
}
