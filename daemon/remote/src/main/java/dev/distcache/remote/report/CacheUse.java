package dev.distcache.remote.report;

/** What the daemon's cache did for a job: the {@code cache:} field of its summary line. */
public enum CacheUse {
  /** Served from the cache; the compiler did not run. */
  HIT("hit"),
  /** Looked up, not found, compiled. */
  MISS("miss"),
  /** No cache for this job (none open, or the compiler could not be identified). */
  OFF("off"),
  /** The job never got as far as the cache. */
  NONE("-");

  private final String word;

  CacheUse(String word) {
    this.word = word;
  }

  String word() {
    return word;
  }
}
