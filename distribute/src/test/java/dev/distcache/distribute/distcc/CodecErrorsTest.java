package dev.distcache.distribute.distcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.distcache.core.wire.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The messages a peer's mistakes produce: which token was expected, and what arrived. */
class CodecErrorsTest {
  private static final DistccLimits LIMITS = new DistccLimits(4, 16, 1000, 1000, 2, 100_000);

  @Test
  void write_protocol1Request_isDistccsExactBytes() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RequestCodec.write(
        new PacketWriter(bytes),
        new DistccRequest.Preprocessed(
            ProtocolVersion.V1, List.of("cc", "-c", "a.c", "-o", "a.o"), "int x;\n".getBytes()));
    assertEquals(
        "DIST00000001ARGC00000005ARGV00000002ccARGV00000002-cARGV00000003a.cARGV00000002-o"
            + "ARGV00000003a.oDOTI00000007int x;\n",
        bytes.toString(StandardCharsets.US_ASCII));
  }

  @Test
  void write_failedReply_isDoto0_andNoDotd() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ReplyCodec.write(
        new PacketWriter(bytes),
        new DistccReply(
            ProtocolVersion.V3, 1 << 8, new byte[0], new byte[0], new byte[0], new byte[0]));
    assertEquals(
        "DONE00000003STAT00000100SERR00000000SOUT00000000DOTO00000000",
        bytes.toString(StandardCharsets.US_ASCII));
  }

  @Test
  void read_hexInEitherCase_isAccepted() throws IOException {
    assertEquals(0xabcdefL, reader("DONE00AbCdEf").expect("DONE"));
  }

  @Test
  void read_errors_sayWhatWasExpectedAndWhatCame() {
    assertMessage(
        "expected DIST but got \"GET \"", () -> RequestCodec.read(reader("GET / HTTP/1.1\r\n")));
    assertMessage(
        "unsupported distcc protocol version 4 (this end speaks 1, 2 and 3)",
        () -> RequestCodec.read(reader("DIST00000004")));
    assertMessage(
        "the request ended early: connection closed where ARGC was expected",
        () -> RequestCodec.read(reader("DIST00000001")));
    assertMessage(
        "stream ended after 5 of the 12 bytes of a packet header where ARGC was expected",
        () -> RequestCodec.read(reader("DIST00000001ARGC0")));
    assertMessage(
        "ARGC is 0: a request needs at least the compiler",
        () -> RequestCodec.read(reader("DIST00000001ARGC00000000")));
    assertMessage(
        "ARGC is 5, more than the limit of 4",
        () -> RequestCodec.read(reader("DIST00000001ARGC00000005")));
    assertMessage(
        "ARGV is 17 bytes, more than the limit of 16",
        () -> RequestCodec.read(reader("DIST00000001ARGC00000001ARGV00000011")));
    assertMessage(
        "stream ended after 2 of the 3 bytes of ARGV",
        () -> RequestCodec.read(reader("DIST00000001ARGC00000001ARGV00000003cc")));
    assertMessage(
        "ARGV contains a NUL byte",
        () -> RequestCodec.read(reader("DIST00000001ARGC00000001ARGV00000002c\0")));
    assertMessage(
        "ARGV is not valid UTF-8",
        () -> RequestCodec.read(reader("DIST00000001ARGC00000001ARGV00000001\u00ff")));
    assertMessage(
        "DOTI: LZO stream is corrupt at byte 1 of 1: a run of 4 literal bytes is longer than the rest of the stream",
        () ->
            RequestCodec.read(reader("DIST00000002ARGC00000001ARGV00000002ccDOTI00000001\u0001")));
    assertMessage(
        "NFIL announces 3 files, more than the limit of 2",
        () ->
            RequestCodec.read(
                reader("DIST00000003CDIR00000001/ARGC00000001ARGV00000002ccNFIL00000003")));
    assertMessage(
        "expected FILE or LINK after NAME /a.h but got \"DOTI\"",
        () ->
            RequestCodec.read(
                reader(
                    "DIST00000003CDIR00000001/ARGC00000001ARGV00000002ccNFIL00000001NAME00000004/a.hDOTI00000000")));
  }

  @Test
  void readReply_errors_sayWhatWasExpectedAndWhatCame() {
    assertEquals(
        EOFException.class,
        assertThrows(IOException.class, () -> ReplyCodec.read(reader(""), ProtocolVersion.V1))
            .getClass(),
        "nothing at all is the peer hanging up");
    assertMessage(
        "the server answered in protocol version 1 to a request in version 2",
        () -> ReplyCodec.read(reader("DONE00000001"), ProtocolVersion.V2));
    assertMessage(
        "the answer ended early: connection closed where SERR was expected",
        () -> ReplyCodec.read(reader("DONE00000001STAT00000000"), ProtocolVersion.V1));
    assertMessage(
        "the compile failed (status 256) but DOTO carries 3 bytes",
        () ->
            ReplyCodec.read(
                reader("DONE00000001STAT00000100SERR00000000SOUT00000000DOTO00000003abc"),
                ProtocolVersion.V1));
  }

  @Test
  void readReply_emptyCompressedBodies_areSentAsLengthZero() throws IOException {
    DistccReply reply =
        ReplyCodec.read(
            reader("DONE00000002STAT00000000SERR00000000SOUT00000000DOTO00000000"),
            ProtocolVersion.V2);
    assertArrayEquals(new byte[0], reply.object());
  }

  private static void assertMessage(
      String message, org.junit.jupiter.api.function.Executable read) {
    ProtocolException e = assertThrows(ProtocolException.class, read);
    assertEquals(message, e.getMessage());
  }

  private static PacketReader reader(String wire) {
    return new PacketReader(
        new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)), LIMITS);
  }
}
