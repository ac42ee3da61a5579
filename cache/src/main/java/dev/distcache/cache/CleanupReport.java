package dev.distcache.cache;

/** What one cleanup removed: the number of results and the sum of their encoded sizes. */
public record CleanupReport(long removedFiles, long removedBytes) {
  static final CleanupReport NOTHING = new CleanupReport(0, 0);

  CleanupReport plus(long files, long bytes) {
    return new CleanupReport(removedFiles + files, removedBytes + bytes);
  }
}
