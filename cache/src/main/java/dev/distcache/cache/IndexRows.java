package dev.distcache.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** The byte layouts of index rows and statistics values described in {@link StoreSchema}. */
final class IndexRows {
  private static final int U64 = Long.BYTES;

  private IndexRows() {}

  /** A result's row in {@link StoreSchema#ENTRIES}. */
  record Entry(long lastUseMillis, long size) {
    byte[] bytes() {
      return ByteBuffer.allocate(2 * U64).putLong(lastUseMillis).putLong(size).array();
    }

    static Entry parse(byte[] row) {
      if (row.length != 2 * U64) {
        throw new IllegalStateException(
            "an entries row has " + row.length + " bytes, expected " + 2 * U64);
      }
      ByteBuffer b = ByteBuffer.wrap(row);
      return new Entry(b.getLong(), b.getLong());
    }
  }

  static byte[] lruRow(long lastUseMillis, byte[] key) {
    return ByteBuffer.allocate(U64 + key.length).putLong(lastUseMillis).put(key).array();
  }

  static long lruMillis(byte[] row) {
    return ByteBuffer.wrap(row).getLong();
  }

  static byte[] lruKey(byte[] row) {
    return Arrays.copyOfRange(row, U64, row.length);
  }

  static byte[] u64be(long v) {
    return ByteBuffer.allocate(U64).putLong(v).array();
  }

  static long u64be(byte[] b) {
    return ByteBuffer.wrap(b).getLong();
  }

  /** The little-endian form RocksDB's {@code uint64add} merge operator adds up. */
  static byte[] u64le(long v) {
    return ByteBuffer.allocate(U64).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  static long u64le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }
}
