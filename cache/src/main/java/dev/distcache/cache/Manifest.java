package dev.distcache.cache;

import dev.distcache.hashing.ContentHash;
import dev.distcache.hashing.ManifestKey;
import dev.distcache.hashing.ResultKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What direct mode knows about one manifest key: for each earlier compile, the include files it
 * read (path, size and content hash) and the result they led to. Immutable; {@link #with} makes the
 * next version. At most {@link #MAX_ENTRIES} entries are kept, the oldest dropped first.
 */
public final class Manifest {
  /** As in ccache: enough for the variants one source sees, small enough to check quickly. */
  public static final int MAX_ENTRIES = 100;

  private static final Manifest EMPTY = new Manifest(List.of());

  private final List<Entry> entries;

  private Manifest(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * One include file of an entry.
   *
   * @param path as the entry resolves it: relative paths are relative to the working directory
   */
  public record IncludedFile(String path, long size, ContentHash hash) {
    public IncludedFile {
      Objects.requireNonNull(path);
      Objects.requireNonNull(hash);
    }
  }

  /**
   * One earlier compile.
   *
   * @param files every file it read, the source included, in the order the preprocessor named them
   * @param result the key its result is stored under
   * @param origin the origin key of the compile that recorded the entry (see DirectKeys)
   * @param exact that compile's exact hash, which its stored result carries
   * @param relocatable the entry may serve a compile of another origin (another checkout under
   *     base_dir): its paths were made relative and nothing it read expands a file name
   */
  public record Entry(
      List<IncludedFile> files,
      ResultKey result,
      ManifestKey origin,
      String exact,
      boolean relocatable) {
    public Entry {
      files = List.copyOf(files);
      Objects.requireNonNull(result);
      Objects.requireNonNull(origin);
      Objects.requireNonNull(exact);
    }

    /**
     * True when {@code other} records the same files for the same origin (it then replaces this).
     */
    boolean sameFilesAndOrigin(Entry other) {
      return files.equals(other.files)
          && origin.equals(other.origin)
          && relocatable == other.relocatable;
    }
  }

  public static Manifest empty() {
    return EMPTY;
  }

  static Manifest of(List<Entry> entries) {
    return new Manifest(entries);
  }

  /** The entries, oldest first. */
  public List<Entry> entries() {
    return entries;
  }

  /**
   * This manifest with {@code entry} as its newest entry: an entry with the same files and origin
   * is replaced, and the oldest entries are dropped beyond {@link #MAX_ENTRIES}.
   */
  public Manifest with(Entry entry) {
    List<Entry> next = new ArrayList<>(entries.size() + 1);
    for (Entry e : entries) {
      if (!e.sameFilesAndOrigin(entry)) {
        next.add(e);
      }
    }
    next.add(entry);
    while (next.size() > MAX_ENTRIES) {
      next.remove(0);
    }
    return new Manifest(next);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Manifest m && entries.equals(m.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "Manifest[" + entries.size() + " entries]";
  }
}
