package dev.distcache.distribute.distcc;

import dev.distcache.distribute.lzo.Lzo1x;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes distcc packets as distcc does: the token, the value as 8 lowercase hex digits, the body.
 * The caller owns the stream, should give a buffered one, and flushes it.
 */
public final class PacketWriter {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;

  public PacketWriter(OutputStream out) {
    this.out = out;
  }

  /** A packet without a body: the value is a number (version, count, status). */
  public void token(String token, long value) throws IOException {
    if (value < 0 || value > 0xffffffffL) {
      throw new IllegalArgumentException(
          "value of " + token + " (" + value + ") does not fit 32 bits");
    }
    byte[] t = token.getBytes(StandardCharsets.US_ASCII);
    if (t.length != 4 || token.length() != 4) {
      throw new IllegalArgumentException("token (" + token + ") must be 4 ASCII characters");
    }
    byte[] h = new byte[12];
    System.arraycopy(t, 0, h, 0, 4);
    for (int i = 0; i < 8; i++) {
      h[4 + i] = HEX[(int) (value >>> (28 - 4 * i)) & 0xf];
    }
    out.write(h);
  }

  /** A packet whose value is the length of the body that follows. */
  public void body(String token, byte[] body) throws IOException {
    token(token, body.length);
    out.write(body);
  }

  /** A string packet, UTF-8 encoded; distcc's strings are C strings, so NUL is refused. */
  public void string(String token, String s) throws IOException {
    if (s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(token + " string contains a NUL character");
    }
    body(token, s.getBytes(StandardCharsets.UTF_8));
  }

  /** A file body: as it is, or LZO1X-compressed when {@code compressed} and not empty. */
  void file(String token, byte[] content, boolean compressed) throws IOException {
    body(token, compressed && content.length > 0 ? Lzo1x.compress(content) : content);
  }

  public void flush() throws IOException {
    out.flush();
  }
}
