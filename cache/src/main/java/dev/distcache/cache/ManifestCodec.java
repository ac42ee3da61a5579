package dev.distcache.cache;

import dev.distcache.hashing.Blake3;
import dev.distcache.hashing.ContentHash;
import dev.distcache.hashing.ManifestKey;
import dev.distcache.hashing.ResultKey;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link Manifest} stored under a {@link ManifestKey} into one self-checking value, and
 * back: the frame of {@link EntryCodec} (checksummed, LZ4-compressed or not) with the magic "DCM"
 * and this payload (integers big-endian, blobs a u32 length and that many bytes):
 *
 * <pre>
 * payload := u32 fileCount, fileCount x file, u32 entryCount, entryCount x entry
 * file    := blob path (UTF-8), u64 size, 32 bytes content hash
 * entry   := u32 n, n x u32 file index, 32 bytes result key, 32 bytes origin,
 *            u8 flags (bit 0: relocatable), blob exact (UTF-8)
 * </pre>
 *
 * Entries share the file table, so a header that every variant includes is stored once. Decoding
 * checks every count and index against what remains, so any malformed value ends in {@link
 * CorruptEntryException}. Thread-safe and stateless.
 */
public final class ManifestCodec {
  /** The largest uncompressed manifest payload written or read: 64 MiB. */
  public static final int MAX_PAYLOAD_BYTES = 64 << 20;

  private static final ValueFrame.Kind KIND =
      new ValueFrame.Kind(new byte[] {'D', 'C', 'M'}, MAX_PAYLOAD_BYTES);
  private static final int FILE_FIXED_BYTES = 4 + 8 + Blake3.LENGTH;
  private static final int RELOCATABLE = 1;

  private ManifestCodec() {}

  /**
   * Encodes {@code manifest} for storage under {@code key}.
   *
   * @throws IllegalArgumentException if the payload would exceed {@link #MAX_PAYLOAD_BYTES}
   */
  public static byte[] encode(ManifestKey key, Manifest manifest) {
    return encode(key, manifest, Compression.DEFAULT);
  }

  /**
   * Encodes {@code manifest} for storage under {@code key}, compressed as {@code compression} says.
   */
  public static byte[] encode(ManifestKey key, Manifest manifest, Compression compression) {
    return ValueFrame.frame(KIND, key.bytes(), payload(manifest), compression);
  }

  /**
   * Decodes a value that {@link #encode} produced for the same key.
   *
   * @throws CorruptEntryException if the value is malformed in any way, or was encoded for another
   *     key
   */
  public static Manifest decode(ManifestKey key, byte[] value) throws CorruptEntryException {
    return read(ByteBuffer.wrap(ValueFrame.unframe(KIND, key.bytes(), value)));
  }

  /** Wraps an already serialised payload; tests use it to build values with bad payloads. */
  static byte[] frame(ManifestKey key, byte[] payload) {
    return ValueFrame.frame(KIND, key.bytes(), payload, Compression.DEFAULT);
  }

  private static byte[] payload(Manifest manifest) {
    Map<Manifest.IncludedFile, Integer> index = new HashMap<>();
    List<Manifest.IncludedFile> files = new ArrayList<>();
    for (Manifest.Entry e : manifest.entries()) {
      for (Manifest.IncludedFile f : e.files()) {
        if (index.putIfAbsent(f, files.size()) == null) {
          files.add(f);
        }
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(files.size());
      for (Manifest.IncludedFile f : files) {
        blob(out, f.path().getBytes(StandardCharsets.UTF_8));
        out.writeLong(f.size());
        out.write(f.hash().bytes());
      }
      out.writeInt(manifest.entries().size());
      for (Manifest.Entry e : manifest.entries()) {
        out.writeInt(e.files().size());
        for (Manifest.IncludedFile f : e.files()) {
          out.writeInt(index.get(f));
        }
        out.write(e.result().bytes());
        out.write(e.origin().bytes());
        out.writeByte(e.relocatable() ? RELOCATABLE : 0);
        blob(out, e.exact().getBytes(StandardCharsets.UTF_8));
        if (out.size() > MAX_PAYLOAD_BYTES) {
          throw new IllegalArgumentException(
              "manifest payload is over the limit of " + MAX_PAYLOAD_BYTES + " bytes");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  private static void blob(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static Manifest read(ByteBuffer in) throws CorruptEntryException {
    long fileCount = u32(in, "the file count");
    if (fileCount > in.remaining() / FILE_FIXED_BYTES) {
      throw new CorruptEntryException(
          "file count "
              + fileCount
              + " does not fit in the "
              + in.remaining()
              + " bytes left in the payload");
    }
    List<Manifest.IncludedFile> files = new ArrayList<>((int) fileCount);
    for (long i = 0; i < fileCount; i++) {
      String path = string(in, "the path of file " + i);
      long size = u64(in, "the size of file " + i);
      files.add(
          new Manifest.IncludedFile(
              path, size, ContentHash.of(bytes(in, Blake3.LENGTH, "the hash of file " + i))));
    }
    long entryCount = u32(in, "the entry count");
    if (entryCount > Manifest.MAX_ENTRIES) {
      throw new CorruptEntryException(
          "entry count " + entryCount + " is over the limit of " + Manifest.MAX_ENTRIES);
    }
    List<Manifest.Entry> entries = new ArrayList<>();
    for (long i = 0; i < entryCount; i++) {
      long n = u32(in, "the file count of entry " + i);
      if (n > in.remaining() / 4) {
        throw new CorruptEntryException(
            "entry " + i + " lists " + n + " files, more than the payload can hold");
      }
      List<Manifest.IncludedFile> used = new ArrayList<>((int) n);
      for (long k = 0; k < n; k++) {
        long idx = u32(in, "a file index of entry " + i);
        if (idx >= files.size()) {
          throw new CorruptEntryException(
              "entry " + i + " names file " + idx + " of " + files.size());
        }
        used.add(files.get((int) idx));
      }
      ResultKey result = ResultKey.of(bytes(in, Blake3.LENGTH, "the result key of entry " + i));
      ManifestKey origin = ManifestKey.of(bytes(in, Blake3.LENGTH, "the origin of entry " + i));
      int flags = Byte.toUnsignedInt(bytes(in, 1, "the flags of entry " + i)[0]);
      if ((flags & ~RELOCATABLE) != 0) {
        throw new CorruptEntryException("entry " + i + " has unknown flags " + flags);
      }
      String exact = string(in, "the exact hash of entry " + i);
      entries.add(new Manifest.Entry(used, result, origin, exact, flags == RELOCATABLE));
    }
    if (in.hasRemaining()) {
      throw new CorruptEntryException(in.remaining() + " trailing bytes after the payload");
    }
    return Manifest.of(entries);
  }

  private static long u32(ByteBuffer in, String what) throws CorruptEntryException {
    return Integer.toUnsignedLong(ByteBuffer.wrap(bytes(in, 4, what)).getInt());
  }

  private static long u64(ByteBuffer in, String what) throws CorruptEntryException {
    return ByteBuffer.wrap(bytes(in, 8, what)).getLong();
  }

  private static byte[] bytes(ByteBuffer in, int n, String what) throws CorruptEntryException {
    if (in.remaining() < n) {
      throw new CorruptEntryException(
          "truncated: the " + in.limit() + "-byte payload ends inside " + what);
    }
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  private static String string(ByteBuffer in, String what) throws CorruptEntryException {
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
    byte[] b = bytes(in, (int) length, what);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CorruptEntryException(
          what
              + " is not valid UTF-8: "
              + Arrays.toString(Arrays.copyOf(b, Math.min(b.length, 16))),
          e);
    }
  }
}
