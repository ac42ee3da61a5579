package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.cache.StoreSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.UInt64AddOperator;

/** A damaged cache entry is never served: it is counted, dropped, and the compile runs for real. */
class CorruptStoreTest {
  @TempDir Path tmp;
  Distcache dc;

  @BeforeEach
  void setUp() {
    dc = new Distcache(tmp.resolve("cache"));
    Distcache.write(
        tmp.resolve("c.c"), "#include <stdio.h>\nint main(void) { puts(\"ok\"); return 0; }\n");
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @Test
  void flippedByteInStoredValue_isAMiss_andTheObjectIsRight() throws Exception {
    corruptThenCompile(v -> {
      byte[] c = v.clone();
      c[c.length / 2] ^= 0x40;
      return c;
    });
  }

  @Test
  void truncatedStoredValue_isAMiss_andTheObjectIsRight() throws Exception {
    corruptThenCompile(v -> Arrays.copyOf(v, v.length / 3));
  }

  private void corruptThenCompile(UnaryOperator<byte[]> damage) throws Exception {
    dc.run(tmp, "gcc", "-c", "c.c", "-o", "first.o").ok();
    dc.run(tmp, "server", "stop").ok();
    assertEquals(1, rewriteValues(dc.cacheDir.resolve("store"), StoreSchema.RESULTS, damage));

    dc.run(tmp, "gcc", "-c", "c.c", "-o", "second.o").ok();
    dc.run(tmp, "gcc", "-c", "c.c", "-o", "third.o").ok();
    dc.direct(tmp, "gcc", "-c", "c.c", "-o", "direct.o").ok();
    byte[] direct = Distcache.read(tmp.resolve("direct.o"));
    assertArrayEquals(direct, Distcache.read(tmp.resolve("second.o")));
    assertArrayEquals(direct, Distcache.read(tmp.resolve("third.o")));
    assertEquals(1, dc.stat("corrupt_cache_entry"));
    assertEquals(2, dc.stat("cache_miss"), "the damaged entry was not served");
    assertEquals(1, dc.hits(), "the recompiled result was stored again");
  }

  /**
   * Applies {@code damage} to every value in {@code family} of a stopped store; returns how many.
   */
  static int rewriteValues(Path storeDir, String family, UnaryOperator<byte[]> damage)
      throws Exception {
    RocksDB.loadLibrary();
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    for (String name : StoreSchema.columnFamilies()) {
      ColumnFamilyOptions o = new ColumnFamilyOptions();
      if (name.equals(StoreSchema.STATS)) {
        o.setMergeOperator(new UInt64AddOperator());
      }
      descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), o));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    int n = 0;
    try (DBOptions options = new DBOptions();
        RocksDB db = RocksDB.open(options, storeDir.toString(), descriptors, handles)) {
      ColumnFamilyHandle results = handles.get(StoreSchema.columnFamilies().indexOf(family));
      List<byte[][]> rows = new ArrayList<>();
      try (RocksIterator it = db.newIterator(results)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          rows.add(new byte[][] {it.key(), it.value()});
        }
      }
      for (byte[][] row : rows) {
        db.put(results, row[0], damage.apply(row[1]));
        n++;
      }
      assertTrue(n > 0, "the store held a value in " + family);
      handles.forEach(ColumnFamilyHandle::close);
    }
    return n;
  }
}
