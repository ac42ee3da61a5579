package dev.distcache.hashing;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A versioned, field-separated record hashed with BLAKE3. Each field is its name, a NUL, its length
 * as 8 big-endian bytes and its bytes, so no two different field sequences hash alike. With a
 * transcript, the same fields are also kept as text for {@code DISTCACHE_DEBUG}.
 */
public final class KeyRecord {
  /** Bump when the meaning of any field changes: old results then simply stop matching. */
  public static final String VERSION = "distcache-key-1";

  private final Blake3 hash = new Blake3();
  private final StringBuilder transcript;

  private KeyRecord(String version, boolean keepTranscript) {
    this.transcript = keepTranscript ? new StringBuilder() : null;
    field("version", version);
  }

  /** A result-key record, starting with {@link #VERSION}. */
  public static KeyRecord create(boolean keepTranscript) {
    return new KeyRecord(VERSION, keepTranscript);
  }

  /**
   * A record of another kind, starting with its own {@code version}, so no two kinds hash alike.
   */
  public static KeyRecord create(String version, boolean keepTranscript) {
    return new KeyRecord(version, keepTranscript);
  }

  public KeyRecord field(String name, String value) {
    return field(name, value.getBytes(StandardCharsets.UTF_8));
  }

  public KeyRecord field(String name, byte[] value) {
    return field(name, value, 0, value.length);
  }

  /**
   * A field that holds {@code value}'s BLAKE3 digest rather than the value: a long value the caller
   * may have hashed already, as it arrived ({@code digest}, or null to hash it here). The
   * transcript keeps the value itself.
   */
  public KeyRecord digestField(String name, byte[] value, byte[] digest) {
    byte[] d = digest != null ? digest : Blake3.hash(value);
    hashField(name, d, 0, d.length);
    describe(name, ", hashed as BLAKE3 " + HexFormat.of().formatHex(d), value, 0, value.length);
    return this;
  }

  public KeyRecord field(String name, byte[] value, int off, int len) {
    hashField(name, value, off, len);
    describe(name, "", value, off, len);
    return this;
  }

  /** The field in the transcript, if one is kept: its name, length and {@code how}, its value. */
  private void describe(String name, String how, byte[] value, int off, int len) {
    if (transcript != null) {
      transcript
          .append("### ")
          .append(name)
          .append(" (")
          .append(len)
          .append(" bytes")
          .append(how)
          .append(")\n")
          .append(new String(value, off, len, StandardCharsets.UTF_8))
          .append('\n');
    }
  }

  private void hashField(String name, byte[] value, int off, int len) {
    hash.update(name).update(new byte[] {0});
    byte[] n = new byte[8];
    long l = len;
    for (int i = 7; i >= 0; i--) {
      n[i] = (byte) l;
      l >>>= 8;
    }
    hash.update(n).update(value, off, len);
  }

  public byte[] digest() {
    return hash.digest();
  }

  /** The fields as text, or null when no transcript was kept. */
  public String transcript() {
    return transcript == null ? null : transcript.toString();
  }
}
