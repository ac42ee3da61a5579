package dev.distcache.distribute.lzo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.wire.ProtocolException;
import io.airlift.compress.lzo.LzoCompressor;
import io.airlift.compress.lzo.LzoDecompressor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Lzo1xTest {
  @Test
  void decompress_endMarkerAlone_isEmpty() throws ProtocolException {
    assertArrayEquals(new byte[0], Lzo1x.decompress(bytes(0x11, 0, 0), 10));
  }

  @Test
  void decompress_handWrittenStream_followsTheLzo1xInstructionSet() throws ProtocolException {
    // 17+4: four literals "abcd"; then an M2 match of 3 bytes 4 back (t = (3-1)<<5 | (3&7)<<2, d>>3
    // = 0)
    // with 1 trailing literal 'x' in its low bits; then the end marker.
    byte[] stream = bytes(21, 'a', 'b', 'c', 'd', (2 << 5) | (3 << 2) | 1, 0, 'x', 0x11, 0, 0);
    assertEquals("abcdabcx", new String(Lzo1x.decompress(stream, 100), StandardCharsets.US_ASCII));
  }

  @Test
  void compress_empty_isTheEndMarker() {
    assertArrayEquals(bytes(0x11, 0, 0), Lzo1x.compress(new byte[0]));
  }

  @Test
  void roundTrip_ofEveryKindOfInput_returnsTheInput() throws ProtocolException {
    for (byte[] input : samples()) {
      byte[] packed = Lzo1x.compress(input);
      assertTrue(packed.length <= Lzo1x.maxCompressedLength(input.length));
      assertArrayEquals(
          input, Lzo1x.decompress(packed, input.length), "input of " + input.length + " bytes");
    }
  }

  @Test
  void compress_repetitiveText_shrinks() {
    byte[] text = "int main(void) { return 0; }\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
    assertTrue(Lzo1x.compress(text).length < text.length / 10);
  }

  @Test
  void ourStreams_decodeWithAircompressor_andTheirsWithOurs() throws ProtocolException {
    for (byte[] input : samples()) {
      if (input.length == 0) {
        continue; // aircompressor writes nothing for nothing; miniLZO (and we) write the end marker
      }
      byte[] ours = Lzo1x.compress(input);
      byte[] decoded = new byte[input.length + 16];
      int n = new LzoDecompressor().decompress(ours, 0, ours.length, decoded, 0, decoded.length);
      assertArrayEquals(
          input, Arrays.copyOf(decoded, n), "ours -> aircompressor, " + input.length + " bytes");

      LzoCompressor c = new LzoCompressor();
      byte[] theirs = new byte[c.maxCompressedLength(input.length)];
      int m = c.compress(input, 0, input.length, theirs, 0, theirs.length);
      assertArrayEquals(
          input,
          Lzo1x.decompress(Arrays.copyOf(theirs, m), input.length),
          "aircompressor -> ours, " + input.length + " bytes");
    }
  }

  @Test
  void decompress_outputOverTheLimit_isRefusedBeforeAllocating() {
    byte[] packed = Lzo1x.compress(new byte[1 << 20]);
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> Lzo1x.decompress(packed, (1 << 20) - 1));
    assertTrue(e.getMessage().contains("more than the limit of 1048575 bytes"), e.getMessage());
  }

  @Test
  void decompress_truncatedStream_saysItEndsInsideAnInstruction() {
    byte[] packed = Lzo1x.compress("hello hello hello hello".getBytes(StandardCharsets.US_ASCII));
    for (int cut = 0; cut < packed.length; cut++) {
      byte[] head = Arrays.copyOf(packed, cut);
      ProtocolException e =
          assertThrows(ProtocolException.class, () -> Lzo1x.decompress(head, 1000));
      assertTrue(e.getMessage().startsWith("LZO stream is corrupt"), e.getMessage());
    }
  }

  @Test
  void decompress_bytesAfterTheEndMarker_areRefused() {
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> Lzo1x.decompress(bytes(0x11, 0, 0, 7), 10));
    assertTrue(e.getMessage().contains("1 bytes follow the end-of-stream marker"), e.getMessage());
  }

  @Test
  void decompress_matchBeforeTheStart_isRefused() {
    // one literal, then an M2 match 8 bytes back
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () -> Lzo1x.decompress(bytes(18, 'a', (2 << 5) | (7 << 2), 0, 0x11, 0, 0), 100));
    assertTrue(
        e.getMessage().contains("refers 8 bytes back, but only 1 were decoded"), e.getMessage());
  }

  @Test
  void decompress_hugeLengthExtension_isRefusedByTheLimitNotByAllocating() {
    byte[] stream = new byte[100_000]; // a literal run whose length field is 99,998 zero bytes long
    stream[stream.length - 1] = 1;
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> Lzo1x.decompress(stream, 1 << 20));
    assertTrue(e.getMessage().contains("limit"), e.getMessage());
  }

  static List<byte[]> samples() {
    Random r = new Random(42);
    byte[] random = new byte[100_000];
    r.nextBytes(random);
    byte[] farRepeat = new byte[150_000]; // repeats at distances beyond 16 KiB and 48 KiB
    byte[] block = new byte[20_000];
    r.nextBytes(block);
    for (int i = 0; i < farRepeat.length; i++) {
      farRepeat[i] = block[i % block.length];
    }
    byte[] mixed = new byte[70_000];
    for (int i = 0; i < mixed.length; i++) {
      mixed[i] = (byte) (r.nextInt(10) < 7 ? 'a' + r.nextInt(3) : r.nextInt(256));
    }
    return List.of(
        new byte[0],
        bytes('x'),
        bytes('a', 'b'),
        bytes('a', 'b', 'c'),
        bytes(1, 2, 3, 4, 5),
        new byte[5000],
        "ab".repeat(300).getBytes(StandardCharsets.US_ASCII),
        "#include <stdio.h>\nint main(void) { puts(\"hi\"); }\n"
            .repeat(200)
            .getBytes(StandardCharsets.US_ASCII),
        random,
        farRepeat,
        mixed,
        Arrays.copyOf(random, 239),
        Arrays.copyOf(random, 240));
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
