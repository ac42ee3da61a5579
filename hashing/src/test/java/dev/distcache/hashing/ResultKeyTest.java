package dev.distcache.hashing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ResultKeyTest {
  @Test
  void of_wrongLength_throwsNamingTheLength() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ResultKey.of(new byte[31]));
    assertEquals("key length (31) must be 32", e.getMessage());
  }

  @Test
  void hex_roundTripsAndEqualityIsByValue() {
    byte[] b = Blake3.hash(new byte[] {1});
    ResultKey k = ResultKey.of(b);
    assertEquals(k, ResultKey.fromHex(k.hex()));
    assertEquals(k.hashCode(), ResultKey.fromHex(k.hex()).hashCode());
    assertEquals(k.hex(), k.toString());
    assertNotEquals(k, ResultKey.of(Blake3.hash(new byte[] {2})));
  }

  @Test
  void bytes_areDefensivelyCopied() {
    byte[] b = Blake3.hash(new byte[0]);
    ResultKey k = ResultKey.of(b);
    b[0] ^= 1;
    k.bytes()[1] ^= 1;
    assertEquals(ResultKey.of(Blake3.hash(new byte[0])), k);
  }
}
