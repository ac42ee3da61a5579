package dev.distcache.core.wire;

import static dev.distcache.core.wire.FramesTest.bytes;
import static dev.distcache.core.wire.FramesTest.header;
import static dev.distcache.core.wire.FramesTest.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestReplyTest {
  private static final Request COMPILE =
      new Request(
          Request.Mode.COMPILE,
          "/home/u/proj",
          022,
          Request.STDERR_TTY,
          "/usr/lib/distcache/bin/gcc",
          List.of("gcc", "-c", "", "fü.c", "-DX=a=b"),
          Map.of("PATH", "/usr/bin", "EMPTY", "", "EQ", "a=b=c"));

  @Test
  void request_roundTrips() throws IOException {
    Request back = Request.readFrom(in(bytes(COMPILE::writeTo)));
    assertEquals(COMPILE, back);
    assertTrue(back.stderrIsTty());
  }

  @Test
  void request_adminWithNothing_roundTrips() throws IOException {
    Request admin = new Request(Request.Mode.ADMIN, "/", 0, 0, "", List.of(), Map.of());
    assertEquals(admin, Request.readFrom(in(bytes(admin::writeTo))));
    assertFalse(admin.stderrIsTty());
  }

  @Test
  void reply_result_roundTrips() throws IOException {
    byte[] out = {'o', 0, (byte) 0x80};
    byte[] err = "warning: ü\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Reply back = Reply.readFrom(in(bytes(Reply.result(-1, out, err)::writeTo)));
    assertEquals(Reply.Kind.RESULT, back.kind());
    assertEquals(-1, back.exitCode());
    assertArrayEquals(out, back.stdout());
    assertArrayEquals(err, back.stderr());
  }

  @Test
  void reply_note_roundTripsWithEveryKind_andIsAbsentByDefault() throws IOException {
    byte[] note =
        "distcache: note: x.conf:3: unknown key\n"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (Reply r :
        List.of(
            Reply.result(0, new byte[] {1}, new byte[] {2}),
            Reply.runLocally("r"),
            Reply.failed("f"))) {
      assertArrayEquals(new byte[0], Reply.readFrom(in(bytes(r::writeTo))).note());
      Reply back = Reply.readFrom(in(bytes(r.withNote(note)::writeTo)));
      assertArrayEquals(note, back.note());
      assertEquals(r.kind(), back.kind());
      assertEquals(r.message(), back.message());
      assertArrayEquals(r.stderr(), back.stderr());
    }
  }

  @Test
  void reply_noteOverTheLimit_isCut() throws IOException {
    Reply back =
        Reply.readFrom(
            in(bytes(Reply.runLocally("r").withNote(new byte[Reply.MAX_NOTE + 10])::writeTo)));
    assertEquals(Reply.MAX_NOTE, back.note().length);
  }

  @Test
  void reply_runLocallyAndFailed_roundTripTheirMessage() throws IOException {
    Reply local = Reply.readFrom(in(bytes(Reply.runLocally("called_for_link")::writeTo)));
    assertEquals(Reply.Kind.RUN_LOCALLY, local.kind());
    assertEquals("called_for_link", local.message());
    Reply failed = Reply.readFrom(in(bytes(Reply.failed("no server")::writeTo)));
    assertEquals(Reply.Kind.FAILED, failed.kind());
    assertEquals("no server", failed.message());
    assertEquals(1, failed.exitCode());
  }

  @Test
  void request_wrongVersion_throwsProtocolExceptionNamingBoth() throws IOException {
    byte[] b = replace(bytes(COMPILE::writeTo), 0, header("DCS1", 2));
    ProtocolException e = assertThrows(ProtocolException.class, () -> Request.readFrom(in(b)));
    assertTrue(e.getMessage().contains("2") && e.getMessage().contains("1"), e.getMessage());
  }

  @Test
  void request_unknownMode_throwsProtocolException() throws IOException {
    byte[] b = replace(bytes(COMPILE::writeTo), 8, header("MODE", 3));
    assertThrows(ProtocolException.class, () -> Request.readFrom(in(b)));
  }

  @Test
  void request_framesOutOfOrder_throwsProtocolException() throws IOException {
    byte[] b =
        bytes(out -> {
          Frames.write(out, "DCS1", Request.VERSION);
          Frames.write(out, "CWD ", "/");
          Frames.write(out, "MODE", 1);
        });
    assertThrows(ProtocolException.class, () -> Request.readFrom(in(b)));
  }

  @Test
  void request_nonAsciiTag_throwsProtocolException() throws IOException {
    byte[] b = bytes(COMPILE::writeTo);
    b[9] = (byte) 0xe9;
    assertThrows(ProtocolException.class, () -> Request.readFrom(in(b)));
  }

  @Test
  void request_envEntryWithoutEquals_throwsProtocolException() throws IOException {
    for (String entry : List.of("NOEQUALS", "=value", "")) {
      byte[] b = prefixUpToEnv(1, out -> Frames.write(out, "ENVV", entry));
      assertThrows(ProtocolException.class, () -> Request.readFrom(in(b)), entry);
    }
  }

  @Test
  void request_truncatedBody_throwsProtocolException() throws IOException {
    byte[] whole = bytes(COMPILE::writeTo);
    // Cut inside the CWD body: DCS1 (8) + MODE (8) + CWD header (8) + 3 of its bytes.
    byte[] cut = Arrays.copyOf(whole, 27);
    assertThrows(ProtocolException.class, () -> Request.readFrom(in(cut)));
  }

  @Test
  void request_stringLengthOverLimit_throwsPromptlyWithoutAllocating() throws IOException {
    byte[] start =
        bytes(out -> {
          Frames.write(out, "DCS1", Request.VERSION);
          Frames.write(out, "MODE", 1);
        });
    for (long length : new long[] {Request.MAX_STRING + 1, 0x7fffffffL, 0xffffffffL}) {
      byte[] b = concat(start, header("CWD ", length));
      assertTimeoutPreemptively(
          Duration.ofSeconds(2),
          () -> assertThrows(ProtocolException.class, () -> Request.readFrom(in(b))));
    }
  }

  @Test
  void request_countOverLimit_throwsProtocolException() throws IOException {
    byte[] b =
        bytes(out -> {
          Frames.write(out, "DCS1", Request.VERSION);
          Frames.write(out, "MODE", 1);
          Frames.write(out, "CWD ", "/");
          Frames.write(out, "UMSK", 0);
          Frames.write(out, "TTYS", 0);
          Frames.write(out, "INVK", "");
          Frames.write(out, "ARGC", Request.MAX_COUNT + 1);
        });
    assertThrows(ProtocolException.class, () -> Request.readFrom(in(b)));
    byte[] huge = concat(Arrays.copyOf(b, b.length - 8), header("ARGC", 0xffffffffL));
    assertThrows(ProtocolException.class, () -> Request.readFrom(in(huge)));
  }

  @Test
  void request_missingEnd_throwsProtocolException() throws IOException {
    byte[] b =
        bytes(out -> {
          byte[] all = bytes(COMPILE::writeTo);
          out.write(all, 0, all.length - 8);
          Frames.write(out, "ARGV", "x");
        });
    assertThrows(ProtocolException.class, () -> Request.readFrom(in(b)));
  }

  @Test
  void reply_unexpectedFrame_throwsProtocolException() throws IOException {
    byte[] b =
        bytes(out -> {
          Frames.write(out, "DCS1", Request.VERSION);
          Frames.write(out, "SOUT", "x");
          Frames.write(out, "END ", 0);
        });
    assertThrows(ProtocolException.class, () -> Reply.readFrom(in(b)));
  }

  @Test
  void reply_outputLengthOverLimit_throwsProtocolException() throws IOException {
    byte[] b =
        concat(
            bytes(out -> {
              Frames.write(out, "DCS1", Request.VERSION);
              Frames.write(out, "EXIT", 0);
            }),
            header("SOUT", Reply.MAX_OUTPUT + 1));
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> assertThrows(ProtocolException.class, () -> Reply.readFrom(in(b))));
  }

  @Test
  void reply_stdoutBeforeExit_throwsProtocolException() throws IOException {
    byte[] b =
        bytes(out -> {
          Frames.write(out, "DCS1", Request.VERSION);
          Frames.write(out, "EXIT", 0);
          Frames.write(out, "SERR", "e");
          Frames.write(out, "SOUT", "o");
          Frames.write(out, "END ", 0);
        });
    assertThrows(ProtocolException.class, () -> Reply.readFrom(in(b)));
  }

  /** A valid request up to and including ENVC = n, then whatever {@code rest} writes. */
  private static byte[] prefixUpToEnv(int n, FramesTest.Writer rest) throws IOException {
    return bytes(out -> {
      Frames.write(out, "DCS1", Request.VERSION);
      Frames.write(out, "MODE", 1);
      Frames.write(out, "CWD ", "/");
      Frames.write(out, "UMSK", 0);
      Frames.write(out, "TTYS", 0);
      Frames.write(out, "INVK", "");
      Frames.write(out, "ARGC", 1);
      Frames.write(out, "ARGV", "gcc");
      Frames.write(out, "ENVC", n);
      rest.write(out);
      Frames.write(out, "END ", 0);
    });
  }

  private static byte[] replace(byte[] b, int at, byte[] with) {
    byte[] out = b.clone();
    System.arraycopy(with, 0, out, at, with.length);
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
