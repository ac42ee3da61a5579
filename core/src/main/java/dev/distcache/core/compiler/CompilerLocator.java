package dev.distcache.core.compiler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the real compiler behind a masquerade name or a prefix-mode name, the way ccache and distcc
 * do: search PATH, skip every entry that resolves to distcache itself, and skip every entry up to
 * and including the masquerade directory distcache was run from. The real compiler then runs with
 * distcache's masquerade directories removed from PATH, so a stack of wrappers in either order ends
 * at the compiler instead of looping.
 */
public final class CompilerLocator {
  /** Set in the real compiler's environment; counts how many distcache wrappers are active. */
  public static final String DEPTH_VARIABLE = "DISTCACHE_DEPTH";

  private static final int MAX_DEPTH = 2;

  private final Set<Path> selves;

  /**
   * @param selves the real paths of distcache's own executables (launcher, native client)
   */
  public CompilerLocator(Set<Path> selves) {
    this.selves = Set.copyOf(selves);
  }

  /** The compiler to run and the PATH to run it with. */
  public record Located(Path compiler, String path) {}

  /** Why no compiler could be used; the message is meant for the user. */
  public static final class NotFoundException extends Exception {
    public NotFoundException(String message) {
      super(message);
    }
  }

  /**
   * Locates {@code name} (argv[0] of the compile).
   *
   * @param invokedAs the masquerade path distcache was run as, or empty in prefix mode
   */
  public Located locate(String name, String invokedAs, Map<String, String> env, Path cwd)
      throws NotFoundException {
    return locate(name, invokedAs, env, cwd, "");
  }

  /**
   * Locates {@code name}, searching {@code searchPath} (ccache's {@code path} setting, a
   * colon-separated list) instead of PATH when it is not empty. The compiler still runs with PATH
   * (without distcache's masquerade directories), as in ccache.
   *
   * @param invokedAs the masquerade path distcache was run as, or empty in prefix mode
   */
  public Located locate(
      String name, String invokedAs, Map<String, String> env, Path cwd, String searchPath)
      throws NotFoundException {
    int depth = parseDepth(env.get(DEPTH_VARIABLE));
    if (depth >= MAX_DEPTH) {
      throw new NotFoundException(
          "recursion detected: the compiler \""
              + name
              + "\" leads back to distcache "
              + depth
              + " times (check PATH and prefix_command)");
    }
    String pathVar = pathOf(env);
    List<String> entries = List.of(pathVar.split(":", -1));
    Path masqueradeDir = invokedAs.isEmpty() ? null : realDir(Path.of(invokedAs).getParent());
    String cleanPath = cleanPath(entries, masqueradeDir, baseName(name), cwd);
    if (name.contains("/")) {
      Path p = cwd.resolve(name);
      if (isSelf(p)) {
        throw new NotFoundException("\"" + name + "\" is distcache itself, not a compiler");
      }
      if (!Files.isExecutable(p)) {
        throw new NotFoundException("compiler \"" + name + "\" not found or not executable");
      }
      return new Located(p, cleanPath);
    }
    List<String> searchList = searchPath.isEmpty() ? entries : List.of(searchPath.split(":", -1));
    List<String> searched = searchList;
    if (masqueradeDir != null) {
      for (int i = 0; i < searchList.size(); i++) {
        if (masqueradeDir.equals(realDir(dirOf(searchList.get(i), cwd)))) {
          searched = searchList.subList(i + 1, searchList.size());
          break;
        }
      }
    }
    for (String entry : searched) {
      Path candidate = dirOf(entry, cwd).resolve(name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate) && !isSelf(candidate)) {
        return new Located(candidate, cleanPath);
      }
    }
    throw new NotFoundException(
        "cannot find the real compiler \""
            + name
            + "\" in "
            + (searchPath.isEmpty() ? "PATH" : "path")
            + " after skipping distcache itself"
            + (masqueradeDir == null ? "" : " and " + masqueradeDir)
            + (searchPath.isEmpty() ? "; PATH=" + pathVar : "; path (setting)=" + searchPath));
  }

  /**
   * Every path whose state decides what {@link #locate(String, String, Map, Path, String)} answers
   * for these arguments: the compiler's name in each directory of PATH and of {@code searchPath}
   * (whether it is there, executable, distcache itself), the named path when {@code name} has a
   * slash, and, for a masquerade call, those directories and the masquerade directory (which of
   * them is the masquerade directory). While a stat of each says the same, the answer is the same,
   * so a caller may keep it.
   */
  public List<Path> probes(
      String name, String invokedAs, Map<String, String> env, Path cwd, String searchPath) {
    Set<Path> probes = new LinkedHashSet<>();
    List<String> entries = new ArrayList<>(List.of(pathOf(env).split(":", -1)));
    if (!searchPath.isEmpty()) {
      entries.addAll(List.of(searchPath.split(":", -1)));
    }
    String base = baseName(name);
    for (String e : entries) {
      Path dir = dirOf(e, cwd);
      probes.add(dir.resolve(base));
      if (!invokedAs.isEmpty()) {
        probes.add(dir);
      }
    }
    if (name.contains("/")) {
      probes.add(cwd.resolve(name));
    }
    if (!invokedAs.isEmpty() && Path.of(invokedAs).getParent() != null) {
      probes.add(Path.of(invokedAs).getParent());
    }
    return List.copyOf(probes);
  }

  private static String pathOf(Map<String, String> env) {
    return env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
  }

  /** The environment for the real compiler: PATH without masquerade dirs, the depth counted up. */
  public static Map<String, String> compilerEnvironment(Map<String, String> env, Located located) {
    java.util.HashMap<String, String> out = new java.util.HashMap<>(env);
    out.put("PATH", located.path());
    out.put(DEPTH_VARIABLE, Integer.toString(parseDepth(env.get(DEPTH_VARIABLE)) + 1));
    return out;
  }

  private String cleanPath(List<String> entries, Path masqueradeDir, String name, Path cwd) {
    List<String> kept = new ArrayList<>();
    for (String e : entries) {
      Path dir = dirOf(e, cwd);
      if (masqueradeDir != null && masqueradeDir.equals(realDir(dir))) {
        continue;
      }
      if (isSelf(dir.resolve(name))) {
        continue;
      }
      kept.add(e);
    }
    return String.join(":", kept);
  }

  private boolean isSelf(Path p) {
    try {
      return Files.exists(p) && selves.contains(p.toRealPath());
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  private static Path dirOf(String entry, Path cwd) {
    try {
      return cwd.resolve(entry.isEmpty() ? "." : entry);
    } catch (InvalidPathException e) {
      return cwd;
    }
  }

  private static Path realDir(Path dir) {
    if (dir == null) {
      return null;
    }
    try {
      return dir.toRealPath();
    } catch (IOException e) {
      return dir.toAbsolutePath().normalize();
    }
  }

  private static String baseName(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  private static int parseDepth(String v) {
    if (v == null) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(v.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
