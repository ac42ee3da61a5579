package dev.distcache.server.direct;

import dev.distcache.cache.Manifest;
import dev.distcache.hashing.ContentHash;
import dev.distcache.hashing.ManifestKey;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the manifest entry whose include files all still have the recorded size and content. Each
 * file is statted once per lookup however many entries name it; its content is hashed only when its
 * size matches and no remembered hash covers its current stat. A file recorded as the null device
 * matches while its path is the null device again (or an empty regular file): its content is the
 * empty content whatever its times say; any other device there matches nothing.
 */
public final class EntryMatcher {
  private final FileHashes hashes;
  private final Path cwd;
  private final long startNanos;
  // Sized for a C file's usual tens of headers, rather than grown by doubling from 16.
  private final Map<String, Statted> stats = HashMap.newHashMap(128);
  private final Map<String, Optional<ContentHash>> contents = HashMap.newHashMap(128);

  /** A file's path resolved once, and its stat (empty when gone or unreadable). */
  private record Statted(Path file, Optional<FileStat> stat) {}

  EntryMatcher(FileHashes hashes, Path cwd, long startNanos) {
    this.hashes = hashes;
    this.cwd = cwd;
    this.startNanos = startNanos;
  }

  /**
   * The newest matching entry recorded by this origin, else the newest matching relocatable entry;
   * an entry of another origin that is not relocatable is never used.
   */
  Optional<Manifest.Entry> find(Manifest manifest, ManifestKey origin) {
    List<Manifest.Entry> entries = manifest.entries();
    Manifest.Entry relocated = null;
    for (int i = entries.size() - 1; i >= 0; i--) {
      Manifest.Entry e = entries.get(i);
      boolean sameOrigin = e.origin().equals(origin);
      if (!sameOrigin && (!e.relocatable() || relocated != null)) {
        continue;
      }
      if (matches(e)) {
        if (sameOrigin) {
          return Optional.of(e);
        }
        relocated = e;
      }
    }
    return Optional.ofNullable(relocated);
  }

  /**
   * What {@link #find} decides, told: the entry it would use, or else, of the entries it may use,
   * the one with the fewest differing files and how each differs.
   *
   * @param entries how many entries the manifest holds
   * @param usable how many of them this compile may use (its own origin's, or relocatable ones)
   */
  public record Verdict(
      Optional<Manifest.Entry> match, int entries, int usable, List<String> nearestDifferences) {}

  Verdict verdict(Manifest manifest, ManifestKey origin) {
    Optional<Manifest.Entry> match = find(manifest, origin);
    int usable = 0;
    List<String> nearest = List.of();
    for (Manifest.Entry e : manifest.entries()) {
      if (!e.origin().equals(origin) && !e.relocatable()) {
        continue;
      }
      usable++;
      List<String> differences = differences(e);
      if (usable == 1 || differences.size() < nearest.size()) {
        nearest = differences;
      }
    }
    return new Verdict(
        match, manifest.entries().size(), usable, match.isPresent() ? List.of() : nearest);
  }

  /** How each of the entry's files differs from the recorded one, in the entry's order. */
  private List<String> differences(Manifest.Entry e) {
    List<String> out = new ArrayList<>();
    for (Manifest.IncludedFile f : e.files()) {
      Statted s = stats.computeIfAbsent(f.path(), this::stat);
      if (s.stat().isEmpty()) {
        out.add(f.path() + ": gone or unreadable (recorded: " + f.size() + " bytes)");
        continue;
      }
      long size = s.stat().get().contentSize();
      Optional<ContentHash> hash =
          contents.computeIfAbsent(f.path(), p -> hash(s.file(), s.stat().get()));
      if (size != f.size()) {
        out.add(f.path() + ": changed, " + f.size() + " bytes then, " + size + " now");
      } else if (hash.isEmpty() || !hash.get().equals(f.hash())) {
        out.add(f.path() + ": changed, same size (" + size + " bytes), other content");
      }
    }
    return out;
  }

  private boolean matches(Manifest.Entry e) {
    for (Manifest.IncludedFile f : e.files()) {
      Statted s = stats.computeIfAbsent(f.path(), this::stat);
      if (s.stat().isEmpty() || s.stat().get().contentSize() != f.size()) {
        return false;
      }
      Optional<ContentHash> hash =
          contents.computeIfAbsent(f.path(), p -> hash(s.file(), s.stat().get()));
      if (hash.isEmpty() || !hash.get().equals(f.hash())) {
        return false;
      }
    }
    return true;
  }

  private Statted stat(String path) {
    Path file;
    try {
      file = cwd.resolve(path);
    } catch (InvalidPathException e) {
      return new Statted(null, Optional.empty());
    }
    try {
      return new Statted(file, Optional.of(FileStat.of(file)));
    } catch (IOException e) {
      return new Statted(file, Optional.empty()); // gone or unreadable: no entry naming it matches
    }
  }

  private Optional<ContentHash> hash(Path file, FileStat stat) {
    try {
      return Optional.of(hashes.hash(file, stat, startNanos).hash());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
