package dev.distcache.hashing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Blake3Test {
  @Test
  void hash_ofEmptyInput_matchesReferenceVector() {
    assertEquals("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
        HexFormat.of().formatHex(Blake3.hash(new byte[0])));
  }

  @Test
  void update_inPieces_equalsUpdateAtOnce() {
    byte[] all = "hello, world".getBytes(UTF_8);
    assertArrayEquals(Blake3.hash(all), new Blake3().update("hello").update(all, 5, 2).update("world").digest());
  }

  @Test
  void digest_resetsForReuse() {
    Blake3 h = new Blake3();
    h.update("first").digest();
    assertArrayEquals(Blake3.hash("second".getBytes(UTF_8)), h.update("second").digest());
  }
}
