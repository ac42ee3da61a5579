package dev.distcache.cache;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.UInt64AddOperator;

/** Reads and writes a stopped store's column families directly, as an outside tool would. */
final class RawStore {
  private RawStore() {}

  interface Action<T> {
    T apply(RocksDB db, ColumnFamilyHandle family) throws RocksDBException;
  }

  static byte[] get(Path dir, String family, byte[] key) {
    return with(dir, family, (db, cf) -> db.get(cf, key));
  }

  static void put(Path dir, String family, byte[] key, byte[] value) {
    with(
        dir,
        family,
        (db, cf) -> {
          db.put(cf, key, value);
          return null;
        });
  }

  static <T> T with(Path dir, String family, Action<T> action) {
    RocksDB.loadLibrary();
    List<String> names = StoreSchema.columnFamilies();
    try (UInt64AddOperator add = new UInt64AddOperator();
        ColumnFamilyOptions plain = new ColumnFamilyOptions();
        ColumnFamilyOptions stats = new ColumnFamilyOptions().setMergeOperator(add);
        DBOptions options = new DBOptions()) {
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      for (String name : names) {
        descriptors.add(
            new ColumnFamilyDescriptor(
                name.getBytes(StandardCharsets.UTF_8),
                name.equals(StoreSchema.STATS) ? stats : plain));
      }
      List<ColumnFamilyHandle> handles = new ArrayList<>();
      try (RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles)) {
        try {
          return action.apply(db, handles.get(names.indexOf(family)));
        } finally {
          handles.forEach(ColumnFamilyHandle::close);
        }
      }
    } catch (RocksDBException e) {
      throw new AssertionError("cannot use the store at " + dir + " directly", e);
    }
  }
}
