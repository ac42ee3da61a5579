package dev.distcache.core.wire;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The server's answer. {@link Kind#RESULT}: replay stdout and stderr and exit with the code. {@link
 * Kind#RUN_LOCALLY}: the call is not one the server handles (a link, {@code -E}, ...); the client
 * runs the real compiler itself with its own stdin, stdout and stderr. {@link Kind#FAILED}: the
 * server could not do its part; for a compile the client runs the real compiler itself, for an
 * administration command it prints the message. Any of them may carry a {@code note}: distcache's
 * own lines for the user (a configuration problem), which the client writes where its own messages
 * go (UNCACHED_ERR_FD or stderr) before anything else; empty for none.
 */
public record Reply(
    Kind kind, int exitCode, byte[] stdout, byte[] stderr, String message, byte[] note) {
  public static final long MAX_OUTPUT = 256L << 20;

  /** The longest note a reply carries. */
  public static final int MAX_NOTE = 64 << 10;

  public enum Kind {
    RESULT,
    RUN_LOCALLY,
    FAILED
  }

  public static Reply result(int exitCode, byte[] stdout, byte[] stderr) {
    return new Reply(Kind.RESULT, exitCode, stdout, stderr, "", new byte[0]);
  }

  public static Reply runLocally(String reason) {
    return new Reply(Kind.RUN_LOCALLY, 0, new byte[0], new byte[0], reason, new byte[0]);
  }

  public static Reply failed(String message) {
    return new Reply(Kind.FAILED, 1, new byte[0], new byte[0], message, new byte[0]);
  }

  /** This reply with {@code note} (cut to {@link #MAX_NOTE} bytes) in place of its note. */
  public Reply withNote(byte[] note) {
    byte[] n = note.length > MAX_NOTE ? java.util.Arrays.copyOf(note, MAX_NOTE) : note;
    return n.length == 0 && this.note.length == 0
        ? this
        : new Reply(kind, exitCode, stdout, stderr, message, n);
  }

  /** The whole reply: {@link #writeAcknowledgement} then {@link #writeBody}. */
  public void writeTo(DataOutputStream out) throws IOException {
    writeAcknowledgement(out);
    writeBody(out);
  }

  /**
   * The reply's first frame, which a server sends (and flushes) as soon as it has read the request:
   * the client's sign that a server answers, before a compile that may take minutes.
   */
  public static void writeAcknowledgement(DataOutputStream out) throws IOException {
    Frames.write(out, "DCS1", Request.VERSION);
    out.flush();
  }

  /**
   * The rest of the reply, after the acknowledgement: an optional note for the user, then the
   * answer.
   */
  public void writeBody(DataOutputStream out) throws IOException {
    if (note.length > 0) {
      Frames.write(out, "NOTE", note);
    }
    switch (kind) {
      case RESULT -> {
        Frames.write(out, "EXIT", exitCode);
        Frames.write(out, "SOUT", stdout);
        Frames.write(out, "SERR", stderr);
      }
      case RUN_LOCALLY -> Frames.write(out, "LOCL", message);
      case FAILED -> Frames.write(out, "FAIL", message);
    }
    Frames.write(out, "END ", 0);
    out.flush();
  }

  public static Reply readFrom(DataInputStream in) throws IOException {
    readAcknowledgement(in);
    return readBody(in);
  }

  /** Reads the reply's first frame. */
  public static void readAcknowledgement(DataInputStream in) throws IOException {
    Frames.expect(in, "DCS1");
  }

  /** Reads the rest of the reply, after the acknowledgement. */
  public static Reply readBody(DataInputStream in) throws IOException {
    Frames.Header h = Frames.readHeader(in);
    byte[] note = new byte[0];
    if (h.tag().equals("NOTE")) {
      note = Frames.readBody(in, h, MAX_NOTE);
      h = Frames.readHeader(in);
    }
    Reply reply =
        switch (h.tag()) {
          case "EXIT" -> {
            int code = (int) h.value();
            byte[] out = Frames.readBody(in, Frames.expect(in, "SOUT"), MAX_OUTPUT);
            byte[] err = Frames.readBody(in, Frames.expect(in, "SERR"), MAX_OUTPUT);
            yield result(code, out, err);
          }
          case "LOCL" -> runLocally(Frames.readString(in, h, Request.MAX_STRING));
          case "FAIL" -> failed(Frames.readString(in, h, Request.MAX_STRING));
          default -> throw new ProtocolException("unexpected reply frame " + h.tag());
        };
    Frames.expect(in, "END ");
    return reply.withNote(note);
  }
}
