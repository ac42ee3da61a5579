package dev.distcache.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.hashing.Blake3;
import dev.distcache.hashing.ResultKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jpountz.xxhash.XXHashFactory;
import org.junit.jupiter.api.Test;

class EntryCodecTest {
  private static final ResultKey KEY = Samples.key("foo.c");

  @Test
  void decode_ofEncoded_returnsEqualResult() throws Exception {
    CachedResult result = Samples.typical();
    assertEquals(result, EntryCodec.decode(KEY, EntryCodec.encode(KEY, result)));
  }

  @Test
  void decode_ofEncodedEmptyResult_returnsEmptyResult() throws Exception {
    CachedResult empty = new CachedResult(Map.of(), new byte[0], new byte[0], Map.of());
    CachedResult decoded = EntryCodec.decode(KEY, EntryCodec.encode(KEY, empty));
    assertEquals(empty, decoded);
    assertTrue(decoded.files().isEmpty());
  }

  @Test
  void decode_ofEncodedHighlyCompressibleOutput_returnsIt() throws Exception {
    CachedResult zeros =
        new CachedResult(
            Map.of(OutputKind.OBJECT, new byte[16 << 20], OutputKind.ASSEMBLY, new byte[1]),
            new byte[0],
            new byte[0],
            Map.of());
    byte[] value = EntryCodec.encode(KEY, zeros);
    assertTrue(
        value.length < (1 << 20),
        "16 MiB of zeros should compress, got " + value.length + " bytes");
    assertEquals(zeros, EntryCodec.decode(KEY, value));
  }

  @Test
  void encode_ofEqualResults_givesEqualBytes() {
    Map<String, String> forward = new LinkedHashMap<>();
    Map<String, String> backward = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      forward.put("k" + i, "v" + i);
      backward.put("k" + (19 - i), "v" + (19 - i));
    }
    byte[] a =
        EntryCodec.encode(KEY, new CachedResult(Map.of(), new byte[0], new byte[0], forward));
    byte[] b =
        EntryCodec.encode(KEY, new CachedResult(Map.of(), new byte[0], new byte[0], backward));
    assertArrayEquals(a, b);
  }

  @Test
  void encode_startsWithMagicVersionAndPayloadLength() {
    byte[] value = EntryCodec.encode(KEY, Samples.typical());
    assertArrayEquals(new byte[] {'D', 'C', 'E', 3}, Arrays.copyOf(value, 4));
    int payloadLength = ByteBuffer.wrap(value, 4, 4).getInt();
    assertTrue(payloadLength > 100, "payload length " + payloadLength);
  }

  @Test
  void encode_whenMetaHasUnpairedSurrogate_throwsIllegalArgument() {
    CachedResult bad = new CachedResult(Map.of(), new byte[0], new byte[0], Map.of("k", "\uD800x"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EntryCodec.encode(KEY, bad));
    assertTrue(e.getMessage().contains("U+D800"), e.getMessage());
  }

  @Test
  void decode_whenTruncatedAtAnyLength_throwsCorruptEntry() {
    byte[] value = EntryCodec.encode(KEY, Samples.typical());
    for (int length = 0; length < value.length; length++) {
      byte[] truncated = Arrays.copyOf(value, length);
      assertThrows(
          CorruptEntryException.class, () -> EntryCodec.decode(KEY, truncated), "length " + length);
    }
  }

  @Test
  void decode_whenAnyByteChangedToAnyValue_throwsCorruptEntry() {
    // Runs of zeros make LZ4 emit matches whose offset could change without changing the output.
    CachedResult result =
        new CachedResult(
            Map.of(
                OutputKind.OBJECT,
                new byte[300],
                OutputKind.DEPENDENCY,
                "ab".repeat(40).getBytes(StandardCharsets.UTF_8)),
            "x".getBytes(StandardCharsets.UTF_8),
            new byte[0],
            Map.of("a", "b"));
    byte[] value = EntryCodec.encode(KEY, result);
    for (int position = 0; position < value.length; position++) {
      for (int mask = 1; mask < 256; mask++) {
        byte[] changed = value.clone();
        changed[position] ^= (byte) mask;
        int p = position;
        int m = mask;
        assertThrows(
            CorruptEntryException.class,
            () -> EntryCodec.decode(KEY, changed),
            () -> "byte " + p + " xor " + m);
      }
    }
  }

  @Test
  void decode_withAnotherKey_failsChecksum() {
    byte[] value = EntryCodec.encode(KEY, Samples.typical());
    CorruptEntryException e =
        assertThrows(
            CorruptEntryException.class, () -> EntryCodec.decode(Samples.key("bar.c"), value));
    assertTrue(e.getMessage().startsWith("checksum mismatch: expected "), e.getMessage());
  }

  @Test
  void encode_checksumsWithXxh64_overKeyPayloadHeaderAndBody() {
    CachedResult result = Samples.typical();
    byte[] payload = ResultPayload.write(result, EntryCodec.MAX_PAYLOAD_BYTES);
    for (Compression compression : new Compression[] {Compression.DEFAULT, Compression.NONE}) {
      byte[] value = EntryCodec.encode(KEY, result, compression);
      byte[] body = Arrays.copyOfRange(value, EntryCodec.HEADER_BYTES, value.length);
      // The spec's concatenation, hashed at once by lz4-java's pure-Java XXH64 (the codec streams
      // the four parts through the fastest one, native code here).
      byte[] all =
          ByteBuffer.allocate(32 + payload.length + 8 + body.length)
              .put(KEY.bytes())
              .put(payload)
              .put(value, 0, 8)
              .put(body)
              .array();
      long xxh64 = XXHashFactory.safeInstance().hash64().hash(all, 0, all.length, 0);
      assertEquals(xxh64, ByteBuffer.wrap(value, 8, 8).getLong(), compression.toString());
      assertArrayEquals(new byte[24], Arrays.copyOfRange(value, 16, 40), "zero padding");
    }
  }

  @Test
  void decode_readsTheBlake3VersionsOfEarlierBuilds_andChecksThem() throws Exception {
    CachedResult result = Samples.typical();
    byte[] payload = ResultPayload.write(result, EntryCodec.MAX_PAYLOAD_BYTES);
    for (Compression compression : new Compression[] {Compression.DEFAULT, Compression.NONE}) {
      byte[] value = EntryCodec.encode(KEY, result, compression);
      // Versions 1 (LZ4) and 2 (stored): the same bytes, a BLAKE3-256 checksum in the field.
      value[3] = (byte) (value[3] - 2);
      byte[] checksum =
          new Blake3()
              .update(KEY.bytes())
              .update(payload)
              .update(value, 0, 8)
              .update(value, EntryCodec.HEADER_BYTES, value.length - EntryCodec.HEADER_BYTES)
              .digest();
      System.arraycopy(checksum, 0, value, 8, 32);
      assertEquals(result, EntryCodec.decode(KEY, value), "version " + value[3]);

      byte[] flipped = value.clone();
      flipped[flipped.length - 1] ^= 1;
      assertThrows(CorruptEntryException.class, () -> EntryCodec.decode(KEY, flipped));
    }
  }

  @Test
  void decode_whenTheChecksumPaddingIsNotZero_saysChecksumMismatch() {
    byte[] value = EntryCodec.encode(KEY, Samples.typical());
    value[39] = 1;
    CorruptEntryException e =
        assertThrows(CorruptEntryException.class, () -> EntryCodec.decode(KEY, value));
    assertTrue(e.getMessage().startsWith("checksum mismatch: expected "), e.getMessage());
  }

  @Test
  void decode_whenMagicWrong_saysBadMagic() {
    byte[] value = EntryCodec.encode(KEY, Samples.typical());
    value[0] = 'X';
    assertMessage(value, "bad magic: expected 44 43 45 (\"DCE\"), got 58 43 45");
  }

  @Test
  void decode_whenVersionUnknown_saysUnsupportedVersion() {
    byte[] value = EntryCodec.encode(KEY, Samples.typical());
    value[3] = 5;
    assertMessage(value, "unsupported format version 5 (this build reads versions 1 to 4)");
  }

  @Test
  void encode_withoutCompression_storesThePayloadAsItIs_andDecodeReadsIt() throws Exception {
    CachedResult zeros =
        new CachedResult(
            Map.of(OutputKind.OBJECT, new byte[1 << 20]), new byte[0], new byte[0], Map.of());
    byte[] stored = EntryCodec.encode(KEY, zeros, Compression.NONE);
    byte[] compressed = EntryCodec.encode(KEY, zeros, Compression.DEFAULT);

    assertEquals(4, stored[3], "format version 4: the body is not compressed");
    assertEquals(3, compressed[3]);
    assertTrue(stored.length > 1 << 20, "not compressed: " + stored.length);
    assertTrue(compressed.length < 1 << 16, "compressed: " + compressed.length);
    assertEquals(zeros, EntryCodec.decode(KEY, stored));
    assertEquals(zeros, EntryCodec.decode(KEY, compressed));
  }

  @Test
  void encode_withAnLz4HcLevel_compressesAtLeastAsWell_andDecodesTheSame() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      lines.append("line ").append(i * 7919 % 1000).append(" of some source text\n");
    }
    CachedResult text =
        new CachedResult(
            Map.of(OutputKind.OBJECT, lines.toString().getBytes(StandardCharsets.UTF_8)),
            new byte[0],
            new byte[0],
            Map.of());
    byte[] fast = EntryCodec.encode(KEY, text, Compression.ofCcache(true, 1));
    byte[] high = EntryCodec.encode(KEY, text, Compression.ofCcache(true, 19));

    assertEquals(new Compression(true, Compression.MAX_HC_LEVEL), Compression.ofCcache(true, 19));
    assertTrue(high.length < fast.length, high.length + " >= " + fast.length);
    assertEquals(text, EntryCodec.decode(KEY, high));
    assertEquals(text, EntryCodec.decode(KEY, fast));
  }

  @Test
  void decode_ofAnUncompressedValue_checksItsChecksumAndLength() {
    byte[] value = EntryCodec.encode(KEY, Samples.typical(), Compression.NONE);
    byte[] flipped = value.clone();
    flipped[flipped.length - 1] ^= 1;
    assertThrows(CorruptEntryException.class, () -> EntryCodec.decode(KEY, flipped));
    assertMessage(
        Arrays.copyOf(value, value.length - 1),
        "truncated: the header says "
            + (value.length - EntryCodec.HEADER_BYTES)
            + " bytes, the uncompressed body has "
            + (value.length - EntryCodec.HEADER_BYTES - 1));
  }

  @Test
  void decode_whenDeclaredLengthIsOverOneGibibyte_failsWithoutAllocating() {
    byte[] value = EntryCodec.encode(KEY, Samples.typical());
    ByteBuffer.wrap(value).putInt(4, 0xFFFFFFFF);
    assertMessage(value, "payload length 4294967295 is over the limit of 1073741824 bytes");
  }

  @Test
  void decode_whenDeclaredLengthIsMoreThanTheBlockCanHold_failsWithoutAllocating() {
    byte[] value = EntryCodec.encode(KEY, Samples.typical());
    int compressed = value.length - EntryCodec.HEADER_BYTES;
    ByteBuffer.wrap(value).putInt(4, EntryCodec.MAX_PAYLOAD_BYTES);
    assertMessage(
        value,
        "payload length 1073741824 is over the limit of "
            + 255L * compressed
            + " bytes that a "
            + compressed
            + "-byte LZ4 block can hold");
  }

  @Test
  void decode_whenFileLengthIsHuge_saysTruncatedWithoutAllocating() {
    byte[] payload =
        ByteBuffer.allocate(13)
            .putInt(1)
            .put((byte) OutputKind.OBJECT.id())
            .putInt(0x7FFFFFFF)
            .putInt(0)
            .array();
    assertMessage(
        EntryCodec.frame(KEY, payload),
        "truncated: the length of the OBJECT file (2147483647 bytes) is more than the 4 bytes left in the payload");
  }

  @Test
  void decode_whenOutputKindIdUnknown_namesTheId() {
    byte[] payload = ByteBuffer.allocate(9).putInt(1).put((byte) 99).putInt(0).array();
    assertMessage(EntryCodec.frame(KEY, payload), "unknown OutputKind id 99");
  }

  @Test
  void decode_whenFileCountIsHuge_saysSo() {
    byte[] payload = ByteBuffer.allocate(4).putInt(-1).array();
    assertMessage(
        EntryCodec.frame(KEY, payload),
        "file count 4294967295 is more than the " + OutputKind.values().length + " output kinds");
  }

  @Test
  void decode_whenOutputKindRepeats_saysSo() {
    byte[] payload =
        ByteBuffer.allocate(30)
            .putInt(2)
            .put((byte) 1)
            .putInt(0)
            .put((byte) 1)
            .putInt(0)
            .putInt(0)
            .putInt(0)
            .putInt(0)
            .array();
    assertMessage(EntryCodec.frame(KEY, payload), "output kind OBJECT appears twice");
  }

  @Test
  void decode_whenMetaIsNotUtf8_saysSo() {
    byte[] payload =
        ByteBuffer.allocate(26)
            .putInt(0)
            .putInt(0)
            .putInt(0)
            .putInt(1)
            .putInt(1)
            .put((byte) 0xC3)
            .putInt(1)
            .put((byte) 'v')
            .array();
    assertMessage(EntryCodec.frame(KEY, payload), "meta key 0 is not valid UTF-8");
  }

  @Test
  void decode_whenBytesFollowThePayload_saysSo() {
    byte[] payload =
        ByteBuffer.allocate(19).putInt(0).putInt(0).putInt(0).putInt(0).put(new byte[3]).array();
    assertMessage(EntryCodec.frame(KEY, payload), "3 trailing bytes after the payload");
  }

  @Test
  void decode_whenPayloadEndsInsideACount_saysTruncated() {
    byte[] payload = ByteBuffer.allocate(10).putInt(0).putInt(0).array();
    assertMessage(
        EntryCodec.frame(KEY, payload),
        "truncated: the 10-byte payload ends inside the length of stderr");
  }

  private static void assertMessage(byte[] value, String expected) {
    CorruptEntryException e =
        assertThrows(CorruptEntryException.class, () -> EntryCodec.decode(KEY, value));
    assertEquals(expected, e.getMessage());
  }
}
