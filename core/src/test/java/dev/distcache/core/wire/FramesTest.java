package dev.distcache.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FramesTest {
  @Test
  void writeThenRead_number_roundTrips() throws IOException {
    DataInputStream in =
        roundTrip(out -> {
          Frames.write(out, "EXIT", 3);
          Frames.write(out, "UMSK", 0xffffffffL);
        });
    assertEquals(new Frames.Header("EXIT", 3), Frames.readHeader(in));
    assertEquals(new Frames.Header("UMSK", 0xffffffffL), Frames.readHeader(in));
  }

  @Test
  void writeThenRead_body_roundTrips() throws IOException {
    byte[] body = {0, 1, (byte) 0xff, '\n'};
    DataInputStream in =
        roundTrip(out -> {
          Frames.write(out, "SOUT", body);
          Frames.write(out, "CWD ", "/home/ü/项目");
          Frames.write(out, "ARGV", "");
        });
    assertArrayEquals(body, Frames.readBody(in, Frames.expect(in, "SOUT"), 100));
    assertEquals("/home/ü/项目", Frames.readString(in, Frames.expect(in, "CWD "), 100));
    assertEquals("", Frames.readString(in, Frames.expect(in, "ARGV"), 100));
  }

  @Test
  void write_headerIsTagThenBigEndianValue() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Frames.write(new DataOutputStream(bytes), "ARGV", "ab");
    assertArrayEquals(new byte[] {'A', 'R', 'G', 'V', 0, 0, 0, 2, 'a', 'b'}, bytes.toByteArray());
  }

  @Test
  void write_tagNotFourCharacters_throwsIllegalArgument() {
    DataOutputStream out = new DataOutputStream(new ByteArrayOutputStream());
    assertThrows(IllegalArgumentException.class, () -> Frames.write(out, "END", 0));
    assertThrows(IllegalArgumentException.class, () -> Frames.write(out, "ENDED", 0));
  }

  @Test
  void readHeader_nonAsciiTag_throwsProtocolException() {
    assertThrows(
        ProtocolException.class,
        () -> Frames.readHeader(in(new byte[] {'D', 'C', (byte) 0xc3, 'S', 0, 0, 0, 1})));
    assertThrows(
        ProtocolException.class,
        () -> Frames.readHeader(in(new byte[] {'D', 'C', 'S', 0, 0, 0, 0, 1})));
    assertThrows(
        ProtocolException.class,
        () -> Frames.readHeader(in(new byte[] {'D', 'C', 'S', 0x7f, 0, 0, 0, 1})));
  }

  @Test
  void expect_otherTag_throwsProtocolExceptionNamingBoth() throws IOException {
    DataInputStream in = roundTrip(out -> Frames.write(out, "MODE", 1));
    ProtocolException e = assertThrows(ProtocolException.class, () -> Frames.expect(in, "DCS1"));
    assertTrue(e.getMessage().contains("DCS1") && e.getMessage().contains("MODE"), e.getMessage());
  }

  @Test
  void readBody_lengthOverLimit_throwsProtocolException() throws IOException {
    DataInputStream in = roundTrip(out -> Frames.write(out, "ARGV", "0123456789"));
    assertThrows(ProtocolException.class, () -> Frames.readBody(in, Frames.readHeader(in), 9));
  }

  @Test
  void readBody_hugeLengthWithoutBody_throwsPromptlyWithoutAllocating() {
    for (long length : new long[] {0x7fffffffL, 0xffffffffL, 0x80000000L}) {
      byte[] frame = header("ARGV", length);
      assertTimeoutPreemptively(
          Duration.ofSeconds(2),
          () -> {
            DataInputStream in = in(frame);
            assertThrows(
                ProtocolException.class,
                () -> Frames.readBody(in, Frames.readHeader(in), Request.MAX_STRING));
          });
    }
  }

  @Test
  void readBody_truncatedBody_throwsProtocolException() throws IOException {
    byte[] whole = bytes(out -> Frames.write(out, "SOUT", new byte[100]));
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 1);
    DataInputStream in = in(cut);
    ProtocolException e =
        assertThrows(
            ProtocolException.class, () -> Frames.readBody(in, Frames.readHeader(in), 1000));
    assertTrue(e.getMessage().contains("SOUT"), e.getMessage());
  }

  @Test
  void readHeader_atEndOfStream_throwsEof() {
    assertThrows(EOFException.class, () -> Frames.readHeader(in(new byte[] {'D', 'C'})));
  }

  interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  static byte[] bytes(Writer w) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    w.write(out);
    out.flush();
    return bytes.toByteArray();
  }

  static DataInputStream roundTrip(Writer w) throws IOException {
    return in(bytes(w));
  }

  static DataInputStream in(byte[] b) {
    return new DataInputStream(new ByteArrayInputStream(b));
  }

  /** A header with any 32-bit value, written by hand so no writer limit applies. */
  static byte[] header(String tag, long value) {
    byte[] t = tag.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    return new byte[] {
      t[0],
      t[1],
      t[2],
      t[3],
      (byte) (value >>> 24),
      (byte) (value >>> 16),
      (byte) (value >>> 8),
      (byte) value
    };
  }
}
