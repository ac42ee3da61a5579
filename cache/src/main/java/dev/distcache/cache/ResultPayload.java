package dev.distcache.cache;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The uncompressed payload of a stored entry: a {@link CachedResult} as bytes.
 *
 * <p>All integers are big-endian, as {@link java.io.DataOutputStream} writes them; every length is
 * an unsigned 32-bit count of bytes:
 *
 * <pre>
 * payload := u32 fileCount, fileCount x file, blob stdout, blob stderr,
 *            u32 metaCount, metaCount x (blob key, blob value)
 * file    := u8 OutputKind.id(), blob contents
 * blob    := u32 length, length bytes
 * </pre>
 *
 * Meta keys and values are UTF-8. Writers order files by kind id and meta by key, so one result
 * always has one encoding; readers accept any order but reject duplicates, unknown kind ids,
 * invalid UTF-8 and trailing bytes. The payload has no version of its own: the entry header's
 * version covers it.
 */
final class ResultPayload {
  private ResultPayload() {}

  /**
   * Serialises a result; throws IllegalArgumentException if it would exceed {@code maxBytes} or a
   * meta string is not valid UTF-16 (an unpaired surrogate cannot be stored faithfully).
   */
  static byte[] write(CachedResult result, long maxBytes) {
    Map<OutputKind, byte[]> files = result.files();
    byte[] stdout = result.stdout();
    byte[] stderr = result.stderr();
    List<byte[]> meta = new ArrayList<>();
    new TreeMap<>(result.meta())
        .forEach((k, v) -> {
          meta.add(utf8(k));
          meta.add(utf8(v));
        });
    long size = 4L + 4 + stdout.length + 4 + stderr.length + 4;
    for (byte[] b : files.values()) {
      size += 1 + 4 + b.length;
    }
    for (byte[] b : meta) {
      size += 4 + b.length;
    }
    if (size > maxBytes) {
      throw new IllegalArgumentException(
          "result payload (" + size + " bytes) is over the limit of " + maxBytes + " bytes");
    }
    ByteBuffer out = ByteBuffer.allocate((int) size);
    out.putInt(files.size());
    files.forEach((kind, bytes) -> {
      out.put((byte) kind.id());
      putBlob(out, bytes);
    });
    putBlob(out, stdout);
    putBlob(out, stderr);
    out.putInt(meta.size() / 2);
    meta.forEach(b -> putBlob(out, b));
    return out.array();
  }

  /** Parses a payload written by {@link #write}; allocates no more than the payload's own size. */
  static CachedResult read(byte[] payload) throws CorruptEntryException {
    ByteBuffer in = ByteBuffer.wrap(payload);
    Map<OutputKind, byte[]> files = new EnumMap<>(OutputKind.class);
    long fileCount = u32(in, "the file count");
    if (fileCount > OutputKind.values().length) {
      throw new CorruptEntryException(
          "file count "
              + fileCount
              + " is more than the "
              + OutputKind.values().length
              + " output kinds");
    }
    for (long i = 0; i < fileCount; i++) {
      if (!in.hasRemaining()) {
        throw truncated(in, "the kind of file " + i);
      }
      int id = Byte.toUnsignedInt(in.get());
      OutputKind kind = OutputKind.byId(id);
      if (kind == null) {
        throw new CorruptEntryException("unknown OutputKind id " + id);
      }
      if (files.put(kind, blob(in, "the " + kind + " file")) != null) {
        throw new CorruptEntryException("output kind " + kind + " appears twice");
      }
    }
    byte[] stdout = blob(in, "stdout");
    byte[] stderr = blob(in, "stderr");
    long metaCount = u32(in, "the meta count");
    Map<String, String> meta = new HashMap<>();
    for (long i = 0; i < metaCount; i++) {
      String key = string(in, "meta key " + i);
      if (meta.put(key, string(in, "the meta value of " + key)) != null) {
        throw new CorruptEntryException("meta key " + key + " appears twice");
      }
    }
    if (in.hasRemaining()) {
      throw new CorruptEntryException(in.remaining() + " trailing bytes after the payload");
    }
    return new CachedResult(files, stdout, stderr, meta);
  }

  private static void putBlob(ByteBuffer out, byte[] b) {
    out.putInt(b.length);
    out.put(b);
  }

  private static long u32(ByteBuffer in, String what) throws CorruptEntryException {
    if (in.remaining() < 4) {
      throw truncated(in, what);
    }
    return Integer.toUnsignedLong(in.getInt());
  }

  private static CorruptEntryException truncated(ByteBuffer in, String what) {
    return new CorruptEntryException(
        "truncated: the " + in.limit() + "-byte payload ends inside " + what);
  }

  private static byte[] blob(ByteBuffer in, String what) throws CorruptEntryException {
    long length = u32(in, "the length of " + what);
    if (length > in.remaining()) {
      throw new CorruptEntryException(
          "truncated: the length of "
              + what
              + " ("
              + length
              + " bytes) is more than the "
              + in.remaining()
              + " bytes left in the payload");
    }
    byte[] b = new byte[(int) length];
    in.get(b);
    return b;
  }

  private static String string(ByteBuffer in, String what) throws CorruptEntryException {
    byte[] b = blob(in, what);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CorruptEntryException(what + " is not valid UTF-8", e);
    }
  }

  private static byte[] utf8(String s) {
    try {
      ByteBuffer b =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(s));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "meta string "
              + s.chars().mapToObj(c -> String.format("U+%04X", c)).toList()
              + " is not valid UTF-16 (it has an unpaired surrogate)",
          e);
    }
  }
}
