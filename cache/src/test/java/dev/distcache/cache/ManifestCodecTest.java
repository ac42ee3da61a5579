package dev.distcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.hashing.ManifestKey;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {
  private static final ManifestKey KEY = Samples.manifestKey("m");

  private static Manifest twoEntries() {
    return Manifest.empty().with(Samples.entry(1, 3)).with(Samples.entry(2, 4));
  }

  @Test
  void decode_ofEncode_givesTheSameManifest() throws Exception {
    assertEquals(twoEntries(), ManifestCodec.decode(KEY, ManifestCodec.encode(KEY, twoEntries())));
    assertEquals(
        Manifest.empty(), ManifestCodec.decode(KEY, ManifestCodec.encode(KEY, Manifest.empty())));
  }

  @Test
  void encode_storesAFileSharedByEntriesOnce() {
    Manifest one = Manifest.empty().with(Samples.entry(1, 40));
    Manifest two = one.with(Samples.entry(4, 40)); // seeds 1 and 4 give the same header contents
    int oneSize = ManifestCodec.encode(KEY, one).length;
    int twoSize = ManifestCodec.encode(KEY, two).length;
    assertTrue(twoSize < oneSize + 400, "second entry added " + (twoSize - oneSize) + " bytes");
  }

  @Test
  void decode_underAnotherKey_failsItsChecksum() {
    byte[] value = ManifestCodec.encode(KEY, twoEntries());
    CorruptEntryException e =
        assertThrows(
            CorruptEntryException.class,
            () -> ManifestCodec.decode(Samples.manifestKey("other"), value));
    assertTrue(e.getMessage().startsWith("checksum mismatch"), e.getMessage());
  }

  @Test
  void decode_aResultValue_saysBadMagic() {
    byte[] value = EntryCodec.encode(Samples.key("r"), Samples.typical());
    CorruptEntryException e =
        assertThrows(CorruptEntryException.class, () -> ManifestCodec.decode(KEY, value));
    assertEquals("bad magic: expected 44 43 4d (\"DCM\"), got 44 43 45", e.getMessage());
  }

  @Test
  void decode_everyTruncationAndEveryFlippedByte_fails() {
    byte[] value = ManifestCodec.encode(KEY, twoEntries());
    for (int length = 0; length < value.length; length++) {
      byte[] truncated = java.util.Arrays.copyOf(value, length);
      assertThrows(
          CorruptEntryException.class,
          () -> ManifestCodec.decode(KEY, truncated),
          "length " + length);
    }
    for (int i = 0; i < value.length; i++) {
      byte[] changed = value.clone();
      changed[i] ^= 0x01;
      assertThrows(
          CorruptEntryException.class, () -> ManifestCodec.decode(KEY, changed), "byte " + i);
    }
  }

  @Test
  void decode_whenFileIndexIsOutOfRange_saysSo() {
    byte[] payload =
        ByteBuffer.allocate(4 + 4 + 4 + 4).putInt(0).putInt(1).putInt(1).putInt(0).array();
    assertMessage(payload, "entry 0 names file 0 of 0");
  }

  @Test
  void decode_whenFileCountCannotFit_failsWithoutAllocating() {
    byte[] payload = ByteBuffer.allocate(8).putInt(-1).putInt(0).array();
    assertMessage(payload, "file count 4294967295 does not fit in the 4 bytes left in the payload");
  }

  @Test
  void decode_whenEntryCountIsOverTheLimit_saysSo() {
    byte[] payload = ByteBuffer.allocate(8).putInt(0).putInt(101).array();
    assertMessage(payload, "entry count 101 is over the limit of 100");
  }

  @Test
  void decode_whenBytesFollowThePayload_saysSo() {
    byte[] payload = ByteBuffer.allocate(10).putInt(0).putInt(0).put(new byte[2]).array();
    assertMessage(payload, "2 trailing bytes after the payload");
  }

  @Test
  void with_replacesAnEntryWithTheSameFilesAndOrigin_andKeepsTheNewestHundred() {
    Manifest.Entry first = Samples.entry(1, 3);
    Manifest.Entry sameFiles =
        new Manifest.Entry(
            first.files(),
            Samples.key("another result"),
            first.origin(),
            first.exact(),
            first.relocatable());
    Manifest m = Manifest.empty().with(first).with(Samples.entry(2, 3)).with(sameFiles);
    assertEquals(List.of(Samples.entry(2, 3), sameFiles), m.entries());
    for (int i = 0; i < 150; i++) {
      m = m.with(Samples.entry(1000 + i, 1));
    }
    assertEquals(Manifest.MAX_ENTRIES, m.entries().size());
    assertEquals(Samples.entry(1050, 1), m.entries().get(0));
    assertEquals(Samples.entry(1149, 1), m.entries().get(99));
  }

  private static void assertMessage(byte[] payload, String expected) {
    CorruptEntryException e =
        assertThrows(
            CorruptEntryException.class,
            () -> ManifestCodec.decode(KEY, ManifestCodec.frame(KEY, payload)));
    assertEquals(expected, e.getMessage());
  }
}
