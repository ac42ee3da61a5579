package dev.distcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.distcache.hashing.ResultKey;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class EntryCodecProperties {
  @Property(tries = 500)
  void decodeOfEncode_returnsTheSameResult(
      @ForAll("results") CachedResult result, @ForAll("keys") ResultKey key)
      throws CorruptEntryException {
    assertEquals(result, EntryCodec.decode(key, EntryCodec.encode(key, result)));
  }

  @Property(tries = 1000)
  void decode_whenAnyOneByteChanged_throwsCorruptEntry(
      @ForAll("results") CachedResult result,
      @ForAll("keys") ResultKey key,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
      @ForAll @IntRange(min = 1, max = 255) int xor) {
    byte[] value = EntryCodec.encode(key, result);
    value[position % value.length] ^= (byte) xor;
    assertThrows(CorruptEntryException.class, () -> EntryCodec.decode(key, value));
  }

  @Provide
  Arbitrary<ResultKey> keys() {
    return Arbitraries.bytes().array(byte[].class).ofSize(32).map(ResultKey::of);
  }

  @Provide
  Arbitrary<CachedResult> results() {
    Arbitrary<Map<OutputKind, byte[]>> files =
        Arbitraries.maps(Arbitraries.of(OutputKind.class), bytes()).ofMaxSize(4);
    Arbitrary<Map<String, String>> meta = Arbitraries.maps(text(), text()).ofMaxSize(6);
    return Combinators.combine(files, bytes(), bytes(), meta).as(CachedResult::new);
  }

  /**
   * Random bytes, runs of one byte, and short repeated patterns, so LZ4 emits literals and matches.
   */
  static Arbitrary<byte[]> bytes() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
    Arbitrary<byte[]> patterns =
        Combinators.combine(
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8),
                Arbitraries.integers().between(0, 600))
            .as((pattern, times) -> {
              byte[] out = new byte[pattern.length * times];
              for (int i = 0; i < out.length; i++) {
                out[i] = pattern[i % pattern.length];
              }
              return out;
            });
    return Arbitraries.oneOf(random, patterns);
  }

  /** Strings of any Unicode scalar values, including supplementary ones, never lone surrogates. */
  static Arbitrary<String> text() {
    return Arbitraries.integers()
        .between(0, Character.MAX_CODE_POINT)
        .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
        .list()
        .ofMaxSize(12)
        .map(cps ->
            cps.stream()
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString());
  }
}
