package dev.distcache.core.wire;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The framing of the client-server protocol (docs/client-protocol.md): a 4-byte ASCII tag, a 32-bit
 * big-endian value, and for tags that carry a body, that many bytes. Every length is checked
 * against a limit before anything is allocated.
 */
public final class Frames {
  private Frames() {}

  /** One frame header: the tag and its value (a number, or the length of the body that follows). */
  public record Header(String tag, long value) {}

  public static void write(DataOutputStream out, String tag, long value) throws IOException {
    out.write(tagBytes(tag));
    out.writeInt((int) value);
  }

  public static void write(DataOutputStream out, String tag, byte[] body) throws IOException {
    write(out, tag, body.length);
    out.write(body);
  }

  public static void write(DataOutputStream out, String tag, String body) throws IOException {
    write(out, tag, body.getBytes(StandardCharsets.UTF_8));
  }

  public static Header readHeader(DataInputStream in) throws IOException {
    byte[] tag = new byte[4];
    in.readFully(tag);
    for (byte b : tag) {
      if (b < 0x20 || b > 0x7e) {
        throw new ProtocolException("frame tag is not ASCII: " + hex(tag));
      }
    }
    long value = in.readInt() & 0xffffffffL;
    return new Header(new String(tag, StandardCharsets.US_ASCII), value);
  }

  /** Reads the header and checks that it carries the expected tag. */
  public static Header expect(DataInputStream in, String tag) throws IOException {
    Header h = readHeader(in);
    if (!h.tag().equals(tag)) {
      throw new ProtocolException("expected frame " + tag + " but got " + h.tag());
    }
    return h;
  }

  /** Reads a body of the header's length, refusing lengths over {@code max}. */
  public static byte[] readBody(DataInputStream in, Header h, long max) throws IOException {
    if (h.value() > max) {
      throw new ProtocolException(
          "frame " + h.tag() + " is " + h.value() + " bytes, more than the limit of " + max);
    }
    byte[] body = new byte[(int) h.value()];
    try {
      in.readFully(body);
    } catch (EOFException e) {
      throw new ProtocolException("stream ended inside frame " + h.tag());
    }
    return body;
  }

  public static String readString(DataInputStream in, Header h, long max) throws IOException {
    return new String(readBody(in, h, max), StandardCharsets.UTF_8);
  }

  private static byte[] tagBytes(String tag) {
    byte[] b = tag.getBytes(StandardCharsets.US_ASCII);
    if (b.length != 4) {
      throw new IllegalArgumentException("tag (" + tag + ") must be 4 ASCII characters");
    }
    return b;
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x & 0xff));
    }
    return s.toString();
  }
}
