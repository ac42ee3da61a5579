package dev.distcache.cache;

import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ManifestKey;
import dev.distcache.hashing.ResultKey;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The local cache: compile results by key and direct mode's manifests by manifest key, kept within
 * a size and a file-count limit by evicting the least recently used (results and manifests alike:
 * both count as files), and the statistics counters that describe its use.
 *
 * <p>{@code @ThreadSafe}: every method may be called from any number of threads at once. Every
 * method except {@link #close} throws {@link IllegalStateException} ("store is closed") after
 * close, and {@link StoreException} when the underlying storage fails (for example, the disk is
 * full).
 *
 * <p>Every {@link #put} that evicts, and every {@link #cleanup}, {@link #evictOlderThan}, {@link
 * #evictNamespace} or {@link #clear} that removes at least one result, adds one to {@link
 * Counter#CLEANUPS_PERFORMED}.
 */
public interface ResultStore extends AutoCloseable {
  /**
   * Returns the result stored under {@code key} and marks it as just used; empty on a miss. A
   * stored value that fails its checksum or cannot be decoded is removed, counted as {@link
   * Counter#CORRUPT_CACHE_ENTRY} and reported as a miss.
   */
  Optional<CachedResult> get(ResultKey key);

  /**
   * Stores {@code result} under {@code key}, replacing any earlier result, then evicts least
   * recently used results (never this one) until the store is within its limits.
   *
   * @return false, storing nothing, if the encoded result alone is larger than the size limit
   * @throws IllegalArgumentException if {@link EntryCodec#encode} rejects the result
   */
  boolean put(ResultKey key, CachedResult result);

  /** Removes the result stored under {@code key}; false if there was none. */
  boolean remove(ResultKey key);

  /**
   * Whether a result or a manifest is stored under {@code key}'s bytes, without reading it into a
   * result, checking it or marking it as used: a damaged value counts until a read removes it.
   */
  boolean contains(ResultKey key);

  /** The same for a manifest's key. */
  boolean containsManifest(ManifestKey key);

  /**
   * Returns the manifest stored under {@code key} and marks it as just used; empty when there is
   * none. A stored manifest that fails its checksum or cannot be decoded is removed, counted as
   * {@link Counter#CORRUPT_CACHE_ENTRY} and reported as empty.
   */
  Optional<Manifest> getManifest(ManifestKey key);

  /**
   * The manifest stored under {@code key}, read and changing nothing: not marked as used, and a
   * damaged one is left for the next {@link #getManifest} to remove (for {@code distcache
   * explain}).
   */
  Optional<Manifest> peekManifest(ManifestKey key);

  /**
   * Stores {@code update} applied to the manifest under {@code key} (to {@link Manifest#empty()}
   * when there is none, or it was corrupt), then evicts as {@link #put} does. Updates of one key
   * are applied one after the other, so concurrent updates lose nothing; {@code update} runs under
   * that key's lock and must be quick.
   *
   * @return false, storing nothing, if the encoded manifest alone is larger than the size limit
   */
  boolean updateManifest(ManifestKey key, UnaryOperator<Manifest> update);

  /**
   * Sets the limits that {@link #put} and {@link #cleanup} evict down to; 0 means unlimited. A
   * lower limit evicts nothing by itself.
   *
   * @throws IllegalArgumentException if either limit is negative
   */
  void setLimits(long maxSizeBytes, long maxFiles);

  /**
   * Sets how later puts and manifest updates compress what they store ({@link Compression#DEFAULT}
   * until set). Values already stored stay readable whatever this says.
   */
  void setCompression(Compression compression);

  /** Evicts least recently used results until the store is within its limits. */
  CleanupReport cleanup();

  /** Evicts every result whose last use is more than {@code age} before now. */
  CleanupReport evictOlderThan(Duration age);

  /**
   * Removes every result stored with the {@code namespace} setting (the empty string: results
   * stored without one) and the manifests that name no stored result any more (a manifest's
   * namespace is in its key, not in its value). Reads every stored value; for administration.
   */
  default CleanupReport evictNamespace(String namespace) {
    return evictNamespace(namespace, null);
  }

  /**
   * As {@link #evictNamespace(String)}, limited to results and manifests whose last use is more
   * than {@code unusedFor} before now (ccache's {@code --evict-namespace} with {@code
   * --evict-older-than}); a null {@code unusedFor} is any age.
   */
  CleanupReport evictNamespace(String namespace, Duration unusedFor);

  /** Removes every result and manifest; counters other than the size and file totals are kept. */
  CleanupReport clear();

  /** The sum of the encoded sizes of all stored results and manifests, in bytes. */
  long totalSize();

  /** The number of stored results and manifests. */
  long fileCount();

  /** Adds one to {@code counter}. */
  void increment(Counter counter);

  /** Adds {@code delta} (which may be negative) to {@code counter}. */
  void add(Counter counter, long delta);

  /**
   * Adds every delta to its counter, all in one write (a request's counters cost one write), and
   * sets {@link Counter#STATS_UPDATED_TIMESTAMP} to now in epoch seconds.
   */
  void add(Map<Counter, Long> deltas);

  /** Every counter that has a value, including those zeroed by {@link #zeroCounters}. */
  Map<Counter, Long> counters();

  /**
   * Sets every counter to zero, and {@link Counter#STATS_ZEROED_TIMESTAMP} and {@link
   * Counter#STATS_UPDATED_TIMESTAMP} to now in epoch seconds.
   */
  void zeroCounters();

  /**
   * Writes now what the store keeps in memory to write a moment later (hits' use times, counts), so
   * that the files of the store stop changing: {@code -s} calls it before it reports. What it
   * reports ({@link #counters}) is the same either way.
   */
  default void writePending() {}

  /** Releases the store; idempotent. Waits for calls in progress to finish. */
  @Override
  void close();
}
