package dev.distcache.cache;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/** Recounts a store from its values (results and manifests) and checks the index against them. */
final class StoreAudit {
  private StoreAudit() {}

  /** Reads every column family; the caller keeps writers out while it runs. */
  static RocksResultStore.Recount recount(RocksHandles rocks, int maxProblems)
      throws RocksDBException {
    List<String> problems = new ArrayList<>();
    Map<ByteBuffer, Long> sizes = new HashMap<>();
    long totalSize = 0;
    for (ColumnFamilyHandle family : rocks.values) {
      try (RocksIterator it = rocks.db.newIterator(family)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          long size = it.value().length;
          if (sizes.put(ByteBuffer.wrap(it.key()), size) != null) {
            note(
                problems,
                maxProblems,
                "key " + HexFormat.of().formatHex(it.key()) + " is stored twice");
          }
          totalSize += size;
        }
        it.status();
      }
    }
    long indexed = 0;
    try (RocksIterator it = rocks.db.newIterator(rocks.entries)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        indexed++;
        byte[] key = it.key();
        String hex = HexFormat.of().formatHex(key);
        IndexRows.Entry entry = IndexRows.Entry.parse(it.value());
        Long stored = sizes.get(ByteBuffer.wrap(key));
        if (stored == null) {
          note(problems, maxProblems, "entries row " + hex + " has no stored value");
        } else if (stored != entry.size()) {
          note(
              problems,
              maxProblems,
              "entries row " + hex + " says " + entry.size() + " bytes, the value has " + stored);
        }
        byte[] lruValue = rocks.db.get(rocks.lru, IndexRows.lruRow(entry.lastUseMillis(), key));
        if (lruValue == null || IndexRows.u64be(lruValue) != entry.size()) {
          note(problems, maxProblems, "entries row " + hex + " has no matching lru row");
        }
      }
      it.status();
    }
    long lruRows = 0;
    try (RocksIterator it = rocks.db.newIterator(rocks.lru)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        lruRows++;
      }
      it.status();
    }
    if (indexed != sizes.size() || lruRows != sizes.size()) {
      note(
          problems,
          maxProblems,
          sizes.size() + " stored values, " + indexed + " entries rows, " + lruRows + " lru rows");
    }
    return new RocksResultStore.Recount(totalSize, sizes.size(), List.copyOf(problems));
  }

  private static void note(List<String> problems, int max, String problem) {
    if (problems.size() < max) {
      problems.add(problem);
    }
  }
}
