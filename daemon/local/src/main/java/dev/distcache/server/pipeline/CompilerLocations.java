package dev.distcache.server.pipeline;

import dev.distcache.core.compiler.CompilerLocator;
import dev.distcache.server.direct.FileIdentity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compilers {@link CompilerLocator} found, kept by what it was asked, each with the state of
 * every path its answer depends on ({@link CompilerLocator#probes}). A compile asking the same
 * again gets the same answer while one stat of each of those paths (statx, about a microsecond)
 * shows the same files; any change (a compiler installed earlier in PATH, a link moved, a chmod)
 * sends it through the search again. The search resolves real paths, link by link, for every
 * directory of PATH. Thread-safe.
 */
final class CompilerLocations {
  /** More kept answers than a machine's builds need: past it, all are dropped and found anew. */
  private static final int MAX_KEPT = 1024;

  private final CompilerLocator locator;
  private final Map<Asked, Found> kept = new ConcurrentHashMap<>();

  private record Asked(
      String name, String invokedAs, String path, String depth, Path cwd, String searchPath) {}

  private record Found(
      CompilerLocator.Located located, List<Path> probes, List<FileIdentity> seen) {}

  CompilerLocations(CompilerLocator locator) {
    this.locator = locator;
  }

  /** As {@link CompilerLocator#locate(String, String, Map, Path, String)}. */
  CompilerLocator.Located locate(
      String name, String invokedAs, Map<String, String> env, Path cwd, String searchPath)
      throws CompilerLocator.NotFoundException {
    Asked asked =
        new Asked(
            name,
            invokedAs,
            env.get("PATH"),
            env.get(CompilerLocator.DEPTH_VARIABLE),
            cwd,
            searchPath);
    Found found = kept.get(asked);
    if (found != null && found.seen().equals(identities(found.probes()).orElse(null))) {
      return found.located();
    }
    List<Path> probes = locator.probes(name, invokedAs, env, cwd, searchPath);
    // Stat'ed before the search: a change during it shows at the next compile's check.
    Optional<List<FileIdentity>> seen = identities(probes);
    CompilerLocator.Located located = locator.locate(name, invokedAs, env, cwd, searchPath);
    if (seen.isPresent()) {
      if (kept.size() >= MAX_KEPT) {
        kept.clear();
      }
      kept.put(asked, new Found(located, probes, seen.get()));
    }
    return located;
  }

  /** The identities of {@code paths}, in order; empty when one of them cannot be told cheaply. */
  private static Optional<List<FileIdentity>> identities(List<Path> paths) {
    List<FileIdentity> out = new ArrayList<>(paths.size());
    for (Path p : paths) {
      Optional<FileIdentity> id = FileIdentity.of(p);
      if (id.isEmpty()) {
        return Optional.empty();
      }
      out.add(id.get());
    }
    return Optional.of(out);
  }
}
