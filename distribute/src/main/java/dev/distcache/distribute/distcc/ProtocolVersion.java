package dev.distcache.distribute.distcc;

import dev.distcache.core.wire.ProtocolException;

/**
 * The distcc protocol versions, as sent in DIST and DONE. The client picks one per host from the
 * host's options; the server answers in the version it was asked in (there is no negotiation).
 */
public enum ProtocolVersion {
  /** Preprocessed on the client; bodies sent as they are. */
  V1(1, false, false),
  /** Preprocessed on the client; bodies LZO1X-compressed ({@code ,lzo}). */
  V2(2, true, false),
  /**
   * Pump mode ({@code ,cpp,lzo}): the client sends its cwd and source files; the server
   * preprocesses.
   */
  V3(3, true, true);

  private final int code;
  private final boolean compressed;
  private final boolean serverPreprocesses;

  ProtocolVersion(int code, boolean compressed, boolean serverPreprocesses) {
    this.code = code;
    this.compressed = compressed;
    this.serverPreprocesses = serverPreprocesses;
  }

  /** The number on the wire. */
  public int code() {
    return code;
  }

  /** Whether DOTI, FILE, SERR, SOUT, DOTO and DOTD bodies are LZO1X streams. */
  public boolean compressed() {
    return compressed;
  }

  /** Whether the server runs the preprocessor (CDIR, NFIL and DOTD are part of the exchange). */
  public boolean serverPreprocesses() {
    return serverPreprocesses;
  }

  /** The version a peer sent, or a ProtocolException naming it. */
  public static ProtocolVersion of(long code) throws ProtocolException {
    for (ProtocolVersion v : values()) {
      if (v.code == code) {
        return v;
      }
    }
    throw new ProtocolException(
        "unsupported distcc protocol version " + code + " (this end speaks 1, 2 and 3)");
  }
}
