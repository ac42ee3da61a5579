package dev.distcache.distribute.distcc;

import dev.distcache.core.wire.ProtocolException;
import dev.distcache.distribute.lzo.Lzo1x;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads distcc packets: a 4-character token, 8 hex digits, and for tokens with a body that many
 * bytes. Every length is checked against {@link DistccLimits} before it is used; the running total
 * of strings and decoded bodies is checked against {@code maxTotalLength}.
 *
 * <p>Failures: {@link EOFException} when the stream ends cleanly where a packet should start (the
 * peer hung up); {@link ProtocolException} for anything malformed or truncated; other IOExceptions
 * (timeouts, resets) pass through. Not thread-safe; the caller owns the stream. Other packages only
 * construct one and hand it to {@link RequestCodec} or {@link ReplyCodec}.
 */
public final class PacketReader {
  private static final int HEADER = 12;
  private static final int FIRST_CHUNK = 64 << 10;

  private final InputStream in;
  private final DistccLimits limits;
  private long budget;

  public PacketReader(InputStream in, DistccLimits limits) {
    this.in = in;
    this.limits = limits;
    this.budget = limits.maxTotalLength();
  }

  public DistccLimits limits() {
    return limits;
  }

  /** One packet header. */
  public record Header(String token, long value) {}

  /** Reads a header whatever its token (for the places where two tokens may come, FILE or LINK). */
  public Header header(String expected) throws IOException {
    byte[] h = raw(expected);
    return new Header(printable(h, 0, 4), value(h, expected));
  }

  /** Reads a header and checks its token, then its value; returns the value. */
  public long expect(String token) throws IOException {
    byte[] h = raw(token);
    String got = printable(h, 0, 4);
    if (!got.equals(token)) {
      throw new ProtocolException("expected " + token + " but got \"" + got + "\"");
    }
    return value(h, token);
  }

  private byte[] raw(String expected) throws IOException {
    byte[] h = new byte[HEADER];
    int n = in.readNBytes(h, 0, HEADER);
    if (n == 0) {
      throw new EOFException("connection closed where " + expected + " was expected");
    }
    if (n < HEADER) {
      throw new ProtocolException(
          "stream ended after "
              + n
              + " of the 12 bytes of a packet header where "
              + expected
              + " was expected");
    }
    return h;
  }

  private static long value(byte[] h, String expected) throws ProtocolException {
    long value = 0;
    for (int i = 4; i < HEADER; i++) {
      int digit = Character.digit(h[i], 16);
      if (digit < 0) {
        throw new ProtocolException(
            "the value of packet "
                + printable(h, 0, 4)
                + " is not 8 hex digits: \""
                + printable(h, 4, 8)
                + "\" (where "
                + expected
                + " was expected)");
      }
      value = value << 4 | digit;
    }
    return value;
  }

  /**
   * Reads the body of a packet whose header said {@code length}, refusing lengths over {@code max}.
   */
  public byte[] body(String token, long length, long max) throws IOException {
    limit(token, length, max);
    byte[] buf = new byte[(int) Math.min(length, FIRST_CHUNK)];
    int have = 0;
    while (have < length) {
      if (have == buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(length, 2L * buf.length));
      }
      int n = in.read(buf, have, buf.length - have);
      if (n < 0) {
        throw new ProtocolException(
            "stream ended after " + have + " of the " + length + " bytes of " + token);
      }
      have += n;
    }
    return buf;
  }

  /**
   * Reads a string packet ({@code ARGV}, {@code CDIR}, {@code NAME}, {@code LINK}) after its
   * header.
   */
  public String string(String token, long length) throws IOException {
    limit(token, length, limits.maxStringLength());
    charge(token, length);
    byte[] b = body(token, length, limits.maxStringLength());
    for (byte x : b) {
      if (x == 0) {
        throw new ProtocolException(token + " contains a NUL byte");
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ProtocolException(token + " is not valid UTF-8");
    }
  }

  /** Reads a header with {@code token} and its string body. */
  public String expectString(String token) throws IOException {
    return string(token, expect(token));
  }

  /**
   * Reads a file body after its header: as it is, or for a compressed protocol an LZO1X stream (an
   * empty body is empty, not compressed).
   */
  public byte[] file(String token, long length, boolean compressed) throws IOException {
    if (!compressed || length == 0) {
      limit(token, length, limits.maxBodyLength());
      charge(token, length);
      return body(token, length, limits.maxBodyLength());
    }
    byte[] stream = body(token, length, limits.maxBodyLength());
    int max = (int) Math.min(limits.maxDecodedLength(), budget);
    byte[] plain;
    try {
      plain = Lzo1x.decompress(stream, max);
    } catch (ProtocolException e) {
      throw new ProtocolException(token + ": " + e.getMessage());
    }
    charge(token, plain.length);
    return plain;
  }

  private static void limit(String token, long length, long max) throws ProtocolException {
    if (length > max) {
      throw new ProtocolException(
          token + " is " + length + " bytes, more than the limit of " + max);
    }
  }

  public void charge(String token, long length) throws ProtocolException {
    if (length > budget) {
      throw new ProtocolException(
          token
              + " of "
              + length
              + " bytes takes the message over its limit of "
              + limits.maxTotalLength()
              + " bytes");
    }
    budget -= length;
  }

  private static String printable(byte[] b, int off, int len) {
    StringBuilder s = new StringBuilder();
    for (int i = off; i < off + len; i++) {
      int c = b[i] & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        s.append((char) c);
      } else {
        s.append(String.format("\\x%02x", c));
      }
    }
    return s.toString();
  }
}
