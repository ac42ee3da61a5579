package dev.distcache.distribute.lzo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.wire.ProtocolException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class Lzo1xProperties {
  @Property(tries = 500)
  void decompressOfCompress_isTheInput(@ForAll("data") byte[] data) throws ProtocolException {
    byte[] packed = Lzo1x.compress(data);
    assertTrue(packed.length <= Lzo1x.maxCompressedLength(data.length));
    assertArrayEquals(data, Lzo1x.decompress(packed, data.length));
  }

  @Property(tries = 2000)
  void anyBytes_decodeWithinTheLimit_orAreAProtocolError(
      @ForAll("data") byte[] stream, @ForAll @IntRange(max = 5000) int max) {
    try {
      assertTrue(Lzo1x.decompress(stream, max).length <= max);
    } catch (ProtocolException expected) {
      // the only way to refuse
    }
  }

  @Property(tries = 1000)
  void corruptedStream_decodesWithinTheLimit_orIsAProtocolError(
      @ForAll("data") byte[] data,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
      @ForAll @IntRange(min = 1, max = 255) int xor) {
    byte[] packed = Lzo1x.compress(data);
    packed[position % packed.length] ^= (byte) xor;
    try {
      assertTrue(Lzo1x.decompress(packed, data.length + 100).length <= data.length + 100);
    } catch (ProtocolException expected) {
      // the only way to refuse
    }
  }

  @Provide
  Arbitrary<byte[]> data() {
    Arbitrary<String> words = Arbitraries.strings().withCharRange('a', 'f').ofMaxLength(12);
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(3000),
        Arbitraries.integers().between(0, 70000).map(n -> new byte[n]),
        Combinators.combine(words, Arbitraries.integers().between(1, 3000))
            .as((w, n) -> w.repeat(n).getBytes(StandardCharsets.US_ASCII)));
  }
}
