package dev.distcache.cache;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Values already decoded, by key, each with the exact stored bytes it was decoded from: a hit whose
 * stored bytes are still those bytes skips decompressing and checksumming them again. The answer is
 * the same as decoding anew, since decoding is a function of the key and the bytes. Least recently
 * used values go first beyond {@code maxBytes} of stored bytes. Thread-safe.
 */
final class DecodedValues<T> {
  private record Decoded<T>(byte[] value, T decoded) {}

  private final long maxBytes;
  private final LinkedHashMap<ByteBuffer, Decoded<T>> values = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  DecodedValues(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** What {@code value}, stored under {@code key}, decoded to; null when not remembered. */
  synchronized T get(byte[] key, byte[] value) {
    Decoded<T> d = values.get(ByteBuffer.wrap(key));
    return d != null && Arrays.equals(d.value(), value) ? d.decoded() : null;
  }

  /** Remembers that {@code value}, stored under {@code key}, decodes to {@code decoded}. */
  synchronized void put(byte[] key, byte[] value, T decoded) {
    if (value.length > maxBytes / 4) {
      return; // one value must not push out everything else
    }
    Decoded<T> old = values.put(ByteBuffer.wrap(key.clone()), new Decoded<>(value, decoded));
    bytes += value.length - (old == null ? 0 : old.value().length);
    Iterator<Map.Entry<ByteBuffer, Decoded<T>>> it = values.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      bytes -= it.next().getValue().value().length;
      it.remove();
    }
  }

  /** Forgets everything (the store was cleared). */
  synchronized void clear() {
    values.clear();
    bytes = 0;
  }
}
