package dev.distcache.hashing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.bouncycastle.crypto.digests.Blake3Digest;

/** distcache's BLAKE3 gives exactly Bouncy Castle's Blake3Digest(256), however its input is fed. */
class Blake3Properties {
  /**
   * An input and the positions where it is cut into update() calls. Printed as its length and cuts:
   * the bytes themselves tell a reader little.
   */
  record Fed(byte[] input, List<Integer> cuts) {
    @Override
    public String toString() {
      return input.length + " bytes cut at " + cuts;
    }
  }

  @Property(tries = 1000)
  void hash_equalsBouncyCastle(@ForAll("inputs") byte[] input) {
    assertEquals(bouncyCastle(input), hex(Blake3.hash(input)));
  }

  @Property(tries = 1000)
  void update_inAnyPieces_equalsBouncyCastle(@ForAll("fed") Fed fed) {
    assertEquals(bouncyCastle(fed.input()), hex(feed(new Blake3(), fed).digest()));
  }

  @Property(tries = 300)
  void update_inPiecesOfOneSize_equalsBouncyCastle(
      @ForAll("inputs") byte[] input, @ForAll @IntRange(min = 1, max = 1100) int piece) {
    Blake3 h = new Blake3();
    for (int i = 0; i < input.length; i += piece) {
      h.update(input, i, Math.min(piece, input.length - i));
    }
    assertEquals(bouncyCastle(input), hex(h.digest()));
  }

  @Property(tries = 300)
  void digest_thenReuse_equalsBouncyCastleForEachInput(
      @ForAll("fed") Fed first, @ForAll("fed") Fed second) {
    Blake3 h = new Blake3();
    assertEquals(bouncyCastle(first.input()), hex(feed(h, first).digest()));
    assertEquals(bouncyCastle(second.input()), hex(feed(h, second).digest()));
  }

  @Property(tries = 300)
  void updateString_equalsBouncyCastleOverUtf8(@ForAll String s) {
    assertEquals(
        bouncyCastle(s.getBytes(StandardCharsets.UTF_8)), hex(new Blake3().update(s).digest()));
  }

  /** Inputs of several MB, random content, cut into random pieces of up to 256 KiB. */
  @Property(tries = 6)
  void hash_ofMegabytes_inRandomPieces_equalsBouncyCastle(
      @ForAll @IntRange(min = 1 << 20, max = 6 << 20) int length, @ForAll long seed) {
    megabytes(length, seed);
  }

  /** 4 MiB is 2^12 chunks: the tree is complete, and one more byte makes it deeper. */
  @Example
  void hash_ofPowerOfTwoChunks_andOneByteMore_equalsBouncyCastle() {
    megabytes(4 << 20, 1);
    megabytes((4 << 20) + 1, 2);
    megabytes((4 << 20) - 1, 3);
  }

  private static void megabytes(int length, long seed) {
    Random random = new Random(seed);
    byte[] input = new byte[length];
    random.nextBytes(input);
    Blake3 h = new Blake3();
    for (int i = 0; i < length; ) {
      int n = Math.min(length - i, random.nextInt(256 << 10));
      h.update(input, i, n);
      i += n;
    }
    assertEquals(bouncyCastle(input), hex(h.digest()), length + " bytes, seed " + seed);
  }

  /**
   * Random bytes whose lengths cover 0..20 KiB, and, more often than chance would, lengths a byte
   * around a chunk (1024 bytes) or block (64 bytes) boundary.
   */
  @Provide
  Arbitrary<byte[]> inputs() {
    Arbitrary<Integer> lengths =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.integers().between(0, 20 << 10)),
            Tuple.of(
                2,
                Combinators.combine(
                        Arbitraries.integers().between(1, 20),
                        Arbitraries.integers().between(-1, 1))
                    .as((chunks, delta) -> 1024 * chunks + delta)),
            Tuple.of(
                1,
                Combinators.combine(
                        Arbitraries.integers().between(1, 320),
                        Arbitraries.integers().between(-1, 1))
                    .as((blocks, delta) -> 64 * blocks + delta)));
    return lengths.flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n));
  }

  @Provide
  Arbitrary<Fed> fed() {
    return inputs()
        .flatMap(input ->
            Arbitraries.integers()
                .between(0, input.length)
                .list()
                .ofMaxSize(12)
                .map(cuts -> new Fed(input, List.copyOf(new TreeSet<>(cuts)))));
  }

  private static Blake3 feed(Blake3 h, Fed fed) {
    int from = 0;
    for (int cut : fed.cuts()) {
      h.update(fed.input(), from, cut - from);
      from = cut;
    }
    return h.update(fed.input(), from, fed.input().length - from);
  }

  private static String bouncyCastle(byte[] input) {
    Blake3Digest d = new Blake3Digest(256);
    d.update(input, 0, input.length);
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return hex(out);
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
