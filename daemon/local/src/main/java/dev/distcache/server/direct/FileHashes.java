package dev.distcache.server.direct;

import dev.distcache.hashing.ContentHash;
import dev.distcache.hashing.SourceScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Content hashes of source and include files, remembered in memory by path together with the stat
 * they were read under, so that a warm server stats a file instead of reading it.
 *
 * <p>A remembered hash is trusted only while the file's stat (size, mtime, ctime, inode, device) is
 * unchanged, and is remembered only when the file did not change while it was read and its mtime
 * and ctime are older than the request's start by {@link #TIMESTAMP_SLACK_NANOS}. File times come
 * from a clock that advances in ticks (a jiffy, up to 10 ms) and may lag the real time by one: two
 * writes within one tick can leave every stat field equal, but any write after a file has been that
 * old moves its ctime past the remembered one. Files younger than that are hashed on every request.
 *
 * <p>A file that is not a regular file is refused, except the null device ({@link
 * FileStat#nullDevice}), which hashes as empty content: option probes compile {@code /dev/null}.
 *
 * <p>Thread-safe. Bounded: past {@link #MAX_FILES} paths the memory is dropped and refilled. A
 * server saves what it remembers when it stops and the next one starts from it ({@link #save},
 * {@link #load}, {@link FileHashMemo}): the same rule of trust, kept across a restart.
 */
public final class FileHashes {
  /** Twice the longest tick of a Linux file clock (HZ=100). */
  public static final long TIMESTAMP_SLACK_NANOS = 20_000_000L;

  static final int MAX_FILES = 50_000;

  /**
   * A file's hash and what the scan of its text found.
   *
   * @param stat the stat taken before reading
   * @param flags {@link SourceScan} flags of the text
   * @param stable the stat after reading equalled {@code stat}: the bytes hashed are the bytes that
   *     stat describes
   */
  record Hashed(FileStat stat, ContentHash hash, int flags, boolean stable) {}

  private static final ContentHash EMPTY = ContentHash.ofContent(new byte[0]);

  private final Map<String, Hashed> known = new ConcurrentHashMap<>();

  /** Stats and hashes {@code file} (an absolute path). */
  Hashed hash(Path file, long requestStartNanos) throws IOException {
    return hash(file, FileStat.of(file), requestStartNanos);
  }

  /** Hashes {@code file}, whose stat the caller has just taken. */
  Hashed hash(Path file, FileStat stat, long requestStartNanos) throws IOException {
    String key = file.toString();
    Hashed h = known.get(key);
    if (h != null && h.stat().equals(stat)) {
      return h;
    }
    if (stat.nullDevice()) {
      // Reads empty by definition (as ccache hashes /dev/null): nothing to read or remember.
      return new Hashed(stat, EMPTY, 0, true);
    }
    if (!stat.regular()) {
      throw new IOException(file + " is not a regular file");
    }
    byte[] bytes = Files.readAllBytes(file);
    FileStat after = FileStat.of(file);
    h = new Hashed(stat, ContentHash.ofContent(bytes), SourceScan.flags(bytes), after.equals(stat));
    if (h.stable() && stat.changedBefore(requestStartNanos - TIMESTAMP_SLACK_NANOS)) {
      if (known.size() >= MAX_FILES) {
        known.clear();
      }
      known.put(key, h);
    }
    return h;
  }

  /** The number of remembered hashes. */
  int size() {
    return known.size();
  }

  /**
   * Saves the remembered hashes to {@code file} for the next server ({@link FileHashMemo}); a
   * failure loses only the head start.
   */
  public void save(Path file) {
    try {
      FileHashMemo.save(file, known);
    } catch (IOException | RuntimeException e) {
      // A read-only or full cache directory: the next server reads the files again.
    }
  }

  /** Takes the hashes a previous server saved in {@code file}; returns how many. */
  public int load(Path file) {
    Map<String, Hashed> saved = FileHashMemo.load(file, MAX_FILES);
    saved.forEach(known::putIfAbsent);
    return saved.size();
  }

  /** Remembers {@code h} for {@code path} as a hash read under its stat would be (tests). */
  void remember(String path, Hashed h) {
    known.put(path, h);
  }
}
