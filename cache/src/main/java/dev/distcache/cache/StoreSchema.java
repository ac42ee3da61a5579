package dev.distcache.cache;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.rocksdb.RocksDB;

/**
 * The RocksDB layout of a result store, for tools that open a stopped store directly.
 *
 * <p>Integers are big-endian unless noted; a result key is its 32 BLAKE3 bytes.
 *
 * <ul>
 *   <li>{@value #RESULTS}: result key to the value {@link EntryCodec} encodes.
 *   <li>{@value #MANIFESTS}: direct mode's manifest key to the value {@link ManifestCodec} encodes.
 *       Manifest and result keys are BLAKE3 over records of different versions, so they never meet;
 *       the index, the totals and eviction treat a manifest as one more stored value.
 *   <li>{@value #LRU}: u64 last-use epoch millis ++ key to the u64 encoded size; iterating it in
 *       key order visits values least recently used first.
 *   <li>{@value #ENTRIES}: key to u64 last-use epoch millis ++ u64 encoded size, so a value's
 *       {@value #LRU} row can be found from its key.
 *   <li>{@value #STATS}: {@code Counter.id()} in UTF-8, and the two totals {@value #TOTAL_SIZE} and
 *       {@value #TOTAL_FILES} (of results and manifests), to a u64 little-endian, combined by
 *       RocksDB's {@code uint64add} merge operator (a negative delta is its two's complement).
 * </ul>
 *
 * A value, its two index rows and the totals change together in one write batch.
 */
public final class StoreSchema {
  public static final String RESULTS = "results";
  public static final String MANIFESTS = "manifests";
  public static final String LRU = "lru";
  public static final String ENTRIES = "entries";
  public static final String STATS = "stats";

  /**
   * The key in {@value #STATS} of the sum of every stored value's size in bytes (results and
   * manifests).
   */
  public static final String TOTAL_SIZE = "#total_size";

  /** The key in {@value #STATS} of the number of stored results and manifests. */
  public static final String TOTAL_FILES = "#total_files";

  private StoreSchema() {}

  /**
   * Every column family of a store, RocksDB's default one first, as {@code RocksDB.open} wants
   * them.
   */
  public static List<String> columnFamilies() {
    return List.of(
        new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8),
        RESULTS,
        LRU,
        ENTRIES,
        STATS,
        MANIFESTS);
  }
}
