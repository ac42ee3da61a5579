package dev.distcache.cache.remote;

import dev.distcache.hashing.Blake3;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/**
 * Keys and values for the backend tests. A value carries its id in its first four bytes and is
 * otherwise made from that id, so a reader can tell a whole value written by anyone from a torn or
 * mixed one without knowing who wrote it.
 */
final class Values {
  private Values() {}

  /** Key number {@code n}: 64 lower-case hex digits, as the contract spells keys. */
  static String key(int n) {
    return HexFormat.of().formatHex(Blake3.hash(ByteBuffer.allocate(4).putInt(n).array()));
  }

  /** Value number {@code id}, {@code length} bytes (at least 4) of every byte value. */
  static byte[] value(int id, int length) {
    byte[] v = new byte[length];
    new Random(id).nextBytes(v);
    ByteBuffer.wrap(v).putInt(id);
    return v;
  }

  /** True when {@code v} is exactly {@code value(id, length)} for the id it carries. */
  static boolean isWhole(byte[] v, int length) {
    return v.length == length && Arrays.equals(v, value(ByteBuffer.wrap(v).getInt(), length));
  }
}
