package dev.distcache.distribute.distcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.wire.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Every packet type survives a write and a read; and whatever bytes a peer sends, a reader ends
 * with a result, a {@link ProtocolException} or an {@link EOFException}, within its limits.
 */
class DistccCodecProperties {
  /** Small limits, so that the properties reach them. */
  private static final DistccLimits SMALL = new DistccLimits(16, 64, 4096, 8192, 8, 32768);

  @Property(tries = 300)
  void request_writeThenRead_isTheSameRequest(@ForAll("requests") DistccRequest request)
      throws IOException {
    assertEquals(request, RequestCodec.read(reader(encode(request), DistccLimits.DEFAULTS)));
  }

  @Property(tries = 300)
  void reply_writeThenRead_isTheSameReply(@ForAll("replies") DistccReply reply) throws IOException {
    assertEquals(
        reply,
        ReplyCodec.read(
            reader(encode(reply), DistccLimits.DEFAULTS),
            reply.version(),
            reply.splitDwarf() != null));
  }

  @Property(tries = 200)
  void packet_tokenAndValue_roundTrip(
      @ForAll("tokens") String token, @ForAll @LongRange(max = 0xffffffffL) long value)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new PacketWriter(bytes).token(token, value);
    assertEquals(12, bytes.size());
    assertEquals(
        new PacketReader.Header(token, value), reader(bytes.toByteArray(), SMALL).header(token));
  }

  @Property(tries = 1000)
  void anyBytes_asRequestOrReply_giveOnlyAResultOrAProtocolOrEofError(
      @ForAll("noise") byte[] noise) {
    survives(() -> RequestCodec.read(reader(noise, SMALL)));
    for (ProtocolVersion v : ProtocolVersion.values()) {
      survives(() -> ReplyCodec.read(reader(noise, SMALL), v));
    }
  }

  @Property(tries = 300)
  void truncatedRequest_isAProtocolError_orEofWhenNothingCame(
      @ForAll("requests") DistccRequest request,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cut) {
    byte[] whole = encode(request);
    byte[] head = Arrays.copyOf(whole, cut % whole.length);
    Exception e =
        assertThrows(
            IOException.class, () -> RequestCodec.read(reader(head, DistccLimits.DEFAULTS)));
    assertEquals(
        head.length == 0 ? EOFException.class : ProtocolException.class,
        e.getClass(),
        e.getMessage());
  }

  @Property(tries = 300)
  void truncatedReply_isAProtocolError_orEofWhenNothingCame(
      @ForAll("replies") DistccReply reply,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cut) {
    byte[] whole = encode(reply);
    byte[] head = Arrays.copyOf(whole, cut % whole.length);
    Exception e =
        assertThrows(
            IOException.class,
            () ->
                ReplyCodec.read(
                    reader(head, DistccLimits.DEFAULTS),
                    reply.version(),
                    reply.splitDwarf() != null));
    assertEquals(
        head.length == 0 ? EOFException.class : ProtocolException.class,
        e.getClass(),
        e.getMessage());
  }

  @Property(tries = 1000)
  void corruptedRequest_givesOnlyAResultOrAProtocolError(
      @ForAll("requests") DistccRequest request,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
      @ForAll @IntRange(min = 1, max = 255) int xor) {
    byte[] bytes = encode(request);
    bytes[position % bytes.length] ^= (byte) xor;
    survives(() -> RequestCodec.read(reader(bytes, SMALL)));
  }

  @Property(tries = 300)
  void lengthOverTheLimit_isRefusedBeforeReadingTheBody(
      @ForAll("bodyTokens") String token,
      @ForAll @LongRange(min = 4097, max = 0xffffffffL) long length) {
    byte[] header = (token + String.format("%08x", length)).getBytes(StandardCharsets.US_ASCII);
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () -> {
              PacketReader r = reader(header, SMALL);
              long announced = r.expect(token);
              r.file(token, announced, false);
            });
    assertTrue(e.getMessage().contains("more than the limit of"), e.getMessage());
  }

  @Property(tries = 100)
  void announcedHugeBody_thatNeverComes_costsOnlyWhatArrived(
      @ForAll @IntRange(min = 64 << 20, max = 1 << 30) int length,
      @ForAll @IntRange(max = 65536) int sent) {
    byte[] stream = new byte[12 + sent];
    System.arraycopy(
        ("DOTI" + String.format("%08x", length)).getBytes(StandardCharsets.US_ASCII),
        0,
        stream,
        0,
        12);
    DistccLimits generous = new DistccLimits(16, 64, 1 << 30, 1 << 30, 8, 1L << 31);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () -> {
              PacketReader r = reader(stream, generous);
              r.file("DOTI", r.expect("DOTI"), false);
            });
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(
        e.getMessage().contains("stream ended after " + sent + " of the " + length),
        e.getMessage());
    assertTrue(allocated < 8 << 20, allocated + " bytes allocated for " + sent + " bytes received");
  }

  @Property(tries = 300)
  void badHex_isAProtocolError_namingThePacket(
      @ForAll("tokens") String token,
      @ForAll @IntRange(max = 7) int at,
      @ForAll("notHex") char bad) {
    char[] value = "0000000a".toCharArray();
    value[at] = bad;
    byte[] header = (token + new String(value)).getBytes(StandardCharsets.ISO_8859_1);
    ProtocolException e =
        assertThrows(ProtocolException.class, () -> reader(header, SMALL).expect(token));
    assertTrue(
        e.getMessage().startsWith("the value of packet " + token + " is not 8 hex digits"),
        e.getMessage());
  }

  @Property(tries = 500)
  void garbageLzoBody_isAProtocolError_orDecodesWithinTheLimit(@ForAll("noise") byte[] body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(
        ("DOTI" + String.format("%08x", body.length)).getBytes(StandardCharsets.US_ASCII));
    bytes.writeBytes(body);
    try {
      PacketReader r = reader(bytes.toByteArray(), SMALL);
      byte[] plain = r.file("DOTI", r.expect("DOTI"), true);
      assertTrue(plain.length <= SMALL.maxDecodedLength());
    } catch (ProtocolException expected) {
      // the only way a reader may refuse
    } catch (IOException e) {
      throw new AssertionError("unexpected " + e, e);
    }
  }

  private interface Read {
    Object run() throws IOException;
  }

  private static void survives(Read read) {
    try {
      read.run();
    } catch (ProtocolException | EOFException expected) {
      // a clean refusal
    } catch (IOException | RuntimeException e) {
      throw new AssertionError("a reader may only answer or refuse, but threw " + e, e);
    }
  }

  private static PacketReader reader(byte[] bytes, DistccLimits limits) {
    return new PacketReader(new ByteArrayInputStream(bytes), limits);
  }

  private static byte[] encode(DistccRequest request) {
    return encode(out -> RequestCodec.write(out, request));
  }

  private static byte[] encode(DistccReply reply) {
    return encode(out -> ReplyCodec.write(out, reply));
  }

  private interface Write {
    void to(PacketWriter out) throws IOException;
  }

  private static byte[] encode(Write write) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      write.to(new PacketWriter(bytes));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }

  @Provide
  Arbitrary<DistccRequest> requests() {
    Arbitrary<List<String>> argv = strings().list().ofMinSize(1).ofMaxSize(12);
    Arbitrary<DistccRequest> preprocessed =
        Combinators.combine(Arbitraries.of(ProtocolVersion.V1, ProtocolVersion.V2), argv, bodies())
            .as(DistccRequest.Preprocessed::new);
    Arbitrary<PumpFile> file =
        Arbitraries.oneOf(
            Combinators.combine(strings(), bodies()).as(PumpFile.Regular::new),
            Combinators.combine(strings(), strings()).as(PumpFile.Link::new));
    Arbitrary<DistccRequest> pump =
        Combinators.combine(strings(), argv, file.list().ofMaxSize(6)).as(DistccRequest.Pump::new);
    return Arbitraries.oneOf(preprocessed, pump);
  }

  @Provide
  Arbitrary<DistccReply> replies() {
    return Combinators.combine(
            Arbitraries.of(ProtocolVersion.class),
            Arbitraries.of(0, 1 << 8, 4 << 8, 11, 0x8b),
            bodies(),
            bodies(),
            bodies(),
            bodies(),
            Arbitraries.of(false, true),
            bodies())
        .as((v, status, err, out, object, deps, split, dwo) ->
            new DistccReply(
                v,
                status,
                err,
                out,
                status == 0 ? object : new byte[0],
                status == 0 && v.serverPreprocesses() ? deps : new byte[0],
                split && status == 0 && v.serverPreprocesses() ? dwo : null));
  }

  /** Random bytes, runs of one byte, and repeated text, so LZO emits literals and matches. */
  private static Arbitrary<byte[]> bodies() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(600),
        Arbitraries.integers().between(0, 3000).map(n -> new byte[n]),
        Combinators.combine(strings(), Arbitraries.integers().between(1, 200))
            .as((s, n) -> s.repeat(n).getBytes(StandardCharsets.UTF_8)));
  }

  private static Arbitrary<String> strings() {
    return Arbitraries.strings().withCharRange('\u0001', '\ud7ff').ofMaxLength(24);
  }

  @Provide
  Arbitrary<byte[]> noise() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
    Arbitrary<String> tokenish =
        Arbitraries.of(
            "DIST", "DONE", "ARGC", "ARGV", "DOTI", "STAT", "SERR", "SOUT", "DOTO", "CDIR", "NFIL",
            "NAME", "FILE", "LINK", "DOTD", "XXXX");
    Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofLength(8);
    Arbitrary<byte[]> packets =
        Combinators.combine(tokenish, hex, random)
            .as((t, h, body) -> {
              byte[] head = (t + h).getBytes(StandardCharsets.US_ASCII);
              byte[] all = Arrays.copyOf(head, head.length + body.length);
              System.arraycopy(body, 0, all, head.length, body.length);
              return all;
            })
            .list()
            .ofMaxSize(6)
            .map(list -> {
              ByteArrayOutputStream b = new ByteArrayOutputStream();
              list.forEach(b::writeBytes);
              return b.toByteArray();
            });
    return Arbitraries.oneOf(random, packets);
  }

  @Provide
  Arbitrary<String> tokens() {
    return Arbitraries.of(
        "DIST", "CDIR", "ARGC", "ARGV", "NFIL", "NAME", "FILE", "LINK", "DOTI", "DONE", "STAT",
        "SERR", "SOUT", "DOTO", "DOTD");
  }

  @Provide
  Arbitrary<String> bodyTokens() {
    return Arbitraries.of("DOTI", "FILE", "SERR", "SOUT", "DOTO", "DOTD");
  }

  @Provide
  Arbitrary<Character> notHex() {
    return Arbitraries.chars().range('\u0000', '\u00ff').filter(c -> Character.digit(c, 16) < 0);
  }
}
