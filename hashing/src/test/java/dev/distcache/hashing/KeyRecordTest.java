package dev.distcache.hashing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeyRecordTest {
  @Test
  void digest_sameFields_sameDigest() {
    assertArrayEquals(
        KeyRecord.create(false).field("a", "b").digest(),
        KeyRecord.create(true).field("a", "b").digest());
  }

  @Test
  void digest_fieldBoundariesMatter() {
    byte[] one = KeyRecord.create(false).field("arg", "ab").field("arg", "c").digest();
    byte[] two = KeyRecord.create(false).field("arg", "a").field("arg", "bc").digest();
    byte[] merged = KeyRecord.create(false).field("arg", "abc").digest();
    assertFalse(Arrays.equals(one, two));
    assertFalse(Arrays.equals(one, merged));
  }

  @Test
  void digest_nameAndValueAreSeparated() {
    assertFalse(
        Arrays.equals(
            KeyRecord.create(false).field("ab", "c").digest(),
            KeyRecord.create(false).field("a", "bc").digest()));
  }

  @Test
  void digest_emptyValueCounts() {
    assertFalse(
        Arrays.equals(
            KeyRecord.create(false).digest(), KeyRecord.create(false).field("env", "").digest()));
  }

  @Test
  void field_slice_hashesOnlyTheSlice() {
    byte[] whole = "xxhello!!".getBytes(UTF_8);
    assertArrayEquals(
        KeyRecord.create(false).field("t", "hello").digest(),
        KeyRecord.create(false).field("t", whole, 2, 5).digest());
  }

  @Test
  void transcript_listsVersionAndFieldsWithLengths() {
    String t = KeyRecord.create(true).field("arg", "-O2").transcript();
    assertEquals(
        "### version ("
            + KeyRecord.VERSION.length()
            + " bytes)\n"
            + KeyRecord.VERSION
            + "\n"
            + "### arg (3 bytes)\n-O2\n",
        t);
    assertNull(KeyRecord.create(false).field("arg", "-O2").transcript());
  }
}
