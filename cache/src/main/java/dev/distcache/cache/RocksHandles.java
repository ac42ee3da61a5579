package dev.distcache.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.rocksdb.AbstractImmutableNativeReference;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Logger;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.UInt64AddOperator;
import org.rocksdb.WriteOptions;

/**
 * Every native RocksDB object of one open store, and the order they are closed in. Not thread-safe
 * to close: {@link RocksResultStore} makes sure nothing uses the handles by then.
 */
final class RocksHandles {
  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rwx------");
  private static final long BLOCK_CACHE_BYTES = 16L << 20;
  private static final long RESULTS_WRITE_BUFFER_BYTES = 16L << 20;
  private static final long INDEX_WRITE_BUFFER_BYTES = 4L << 20;

  /** Forces flushes of rarely written column families so their data does not pin old WAL files. */
  private static final long MAX_TOTAL_WAL_BYTES = 64L << 20;

  final RocksDB db;
  final ColumnFamilyHandle results;
  final ColumnFamilyHandle lru;
  final ColumnFamilyHandle entries;
  final ColumnFamilyHandle stats;
  final ColumnFamilyHandle manifests;

  /** The column families that hold values (each key lives in one of them). */
  final List<ColumnFamilyHandle> values;

  /**
   * WAL on, no fsync per write: a crashed process loses nothing, a crashed machine the last writes.
   */
  final WriteOptions writeOptions;

  private final List<ColumnFamilyHandle> handles;
  private final List<AbstractImmutableNativeReference> options;

  private RocksHandles(
      RocksDB db,
      List<ColumnFamilyHandle> handles,
      List<AbstractImmutableNativeReference> options,
      WriteOptions writeOptions) {
    this.db = db;
    this.handles = handles;
    this.options = options;
    this.writeOptions = writeOptions;
    this.results = handles.get(1);
    this.lru = handles.get(2);
    this.entries = handles.get(3);
    this.stats = handles.get(4);
    this.manifests = handles.get(5);
    this.values = List.of(results, manifests);
  }

  static RocksHandles open(Path dir) {
    return open(dir, false);
  }

  /**
   * Opens an existing store for reading only: RocksDB writes nothing, not even its LOG file (a
   * logger that drops everything takes its place), so a directory this user cannot write (another
   * user's shared cache, a read-only mount) serves hits.
   */
  static RocksHandles openReadOnly(Path dir) {
    return open(dir, true);
  }

  private static RocksHandles open(Path dir, boolean readOnly) {
    NativeLibrary.load();
    try {
      if (!readOnly && !Files.isDirectory(dir)) { // read-only: a missing store fails to open
        // Only the local server reads the store, and it serves its own user only: nobody else
        // needs to read the compiled code and sources in it (mode 0700 whatever the umask).
        Files.createDirectories(dir.getParent());
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE));
        Files.setPosixFilePermissions(dir, PRIVATE);
      }
    } catch (IOException e) {
      throw new StoreException(
          "cannot create the distcache store directory " + dir + ": " + StoreFailures.reason(e), e);
    }
    List<AbstractImmutableNativeReference> options = new ArrayList<>();
    try {
      LRUCache cache = own(options, new LRUCache(BLOCK_CACHE_BYTES));
      BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(cache);
      DBOptions dbOptions =
          own(options, new DBOptions())
              .setCreateIfMissing(!readOnly)
              .setCreateMissingColumnFamilies(!readOnly)
              .setMaxTotalWalSize(MAX_TOTAL_WAL_BYTES)
              .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
              .setKeepLogFileNum(2);
      if (readOnly) {
        dbOptions.setLogger(own(options, new SilentLogger()));
      }
      ColumnFamilyOptions plain =
          own(options, new ColumnFamilyOptions())
              .setTableFormatConfig(table)
              .setWriteBufferSize(INDEX_WRITE_BUFFER_BYTES);
      ColumnFamilyOptions resultsOptions =
          own(options, new ColumnFamilyOptions())
              .setTableFormatConfig(table)
              .setWriteBufferSize(RESULTS_WRITE_BUFFER_BYTES)
              .setCompressionType(
                  CompressionType.NO_COMPRESSION); // values are LZ4-compressed already
      ColumnFamilyOptions statsOptions =
          own(options, new ColumnFamilyOptions())
              .setTableFormatConfig(table)
              .setWriteBufferSize(INDEX_WRITE_BUFFER_BYTES)
              .setMergeOperator(own(options, new UInt64AddOperator()));
      List<ColumnFamilyOptions> perFamily =
          List.of(plain, resultsOptions, plain, plain, statsOptions, resultsOptions);
      List<String> names = StoreSchema.columnFamilies();
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        descriptors.add(
            new ColumnFamilyDescriptor(
                names.get(i).getBytes(StandardCharsets.UTF_8), perFamily.get(i)));
      }
      WriteOptions writeOptions =
          own(options, new WriteOptions().setDisableWAL(false).setSync(false));
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      RocksDB db =
          readOnly
              ? RocksDB.openReadOnly(dbOptions, dir.toString(), descriptors, handles)
              : RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
      return new RocksHandles(db, List.copyOf(handles), options, writeOptions);
    } catch (RocksDBException e) {
      closeAll(options, null);
      throw StoreFailures.failed(dir, "open", e);
    }
  }

  /** Closes column family handles, then the database, then the options; do not reorder. */
  void close() throws RocksDBException {
    RocksDBException failure = null;
    try {
      handles.forEach(ColumnFamilyHandle::close);
      db.closeE();
    } catch (RocksDBException e) {
      failure = e;
    } finally {
      closeAll(options, failure);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void closeAll(List<AbstractImmutableNativeReference> owned, Throwable primary) {
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (RuntimeException e) {
        if (primary == null) {
          throw e;
        }
        primary.addSuppressed(e);
      }
    }
  }

  private static <T extends AbstractImmutableNativeReference> T own(
      List<AbstractImmutableNativeReference> owned, T object) {
    owned.add(object);
    return object;
  }

  /** Drops RocksDB's log lines: a read-only store must not create its LOG file. */
  private static final class SilentLogger extends Logger {
    SilentLogger() {
      super(InfoLogLevel.ERROR_LEVEL);
    }

    @Override
    protected void log(InfoLogLevel level, String message) {}
  }

  /** Loads RocksDB's JNI library once per process. */
  private static final class NativeLibrary {
    private static final Throwable FAILURE = load0();

    static void load() {
      if (FAILURE != null) {
        throw new StoreException(
            "cannot load RocksDB's native library ("
                + FAILURE.getMessage()
                + "); if the temporary directory is mounted noexec, set ROCKSDB_SHAREDLIB_DIR or java.io.tmpdir"
                + " to a directory that allows executables",
            FAILURE);
      }
    }

    private static Throwable load0() {
      try {
        RocksDB.loadLibrary();
        return null;
      } catch (RuntimeException | LinkageError e) {
        return e;
      }
    }
  }
}
