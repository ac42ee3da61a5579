package dev.distcache.distribute.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.tls.TlsFileException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token files of both ends: what is accepted, who it names, and messages without tokens. */
class TokensTest {
  private static final String GOOD = "0123456789abcdef-good";

  @TempDir Path tmp;

  private Path file(String text) throws Exception {
    Path f = Files.createTempFile(tmp, "tokens", "");
    Files.writeString(f, text);
    return f;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void accepted_namesTheClientOfEachToken() throws Exception {
    Tokens t =
        Tokens.accepted(
            file(
                "# the farm's clients\n\n  "
                    + GOOD
                    + "\t# ci-runner-3\nzyxwvutsrqponmlk # laptop\n"));
    assertEquals(Optional.of("ci-runner-3"), t.client(bytes(GOOD)));
    assertEquals(Optional.of("laptop"), t.client(bytes("zyxwvutsrqponmlk")));
    assertEquals(Optional.empty(), t.client(bytes(GOOD + "x")));
    assertEquals(Optional.empty(), t.client(bytes(GOOD.substring(1))));
    assertEquals(Optional.empty(), t.client(new byte[0]));
    assertEquals(2, t.size());
    assertFalse(t.toString().contains(GOOD), t.toString());
  }

  @Test
  void accepted_refusesATokenWithoutItsClient_andBadTokens_withoutShowingThem() throws Exception {
    String noComment =
        assertThrows(TlsFileException.class, () -> Tokens.accepted(file("# x\n" + GOOD + "\n")))
            .getMessage();
    assertTrue(
        noComment.contains("line 2: give each token a comment naming its client"), noComment);
    assertFalse(noComment.contains(GOOD), noComment);
    String tooShort =
        assertThrows(TlsFileException.class, () -> Tokens.accepted(file("short # a\n")))
            .getMessage();
    assertTrue(tooShort.contains("line 1: a token is 16 to 4096 printable"), tooShort);
    assertFalse(tooShort.contains("short"), tooShort);
    assertTrue(
        assertThrows(TlsFileException.class, () -> Tokens.accepted(file("# nothing\n")))
            .getMessage()
            .endsWith("holds no token"));
    assertTrue(
        assertThrows(TlsFileException.class, () -> Tokens.accepted(tmp.resolve("missing")))
            .getMessage()
            .endsWith("missing: no such file"));
    assertTrue(
        assertThrows(TlsFileException.class, () -> Tokens.accepted(tmp))
            .getMessage()
            .contains("cannot be read"));
  }

  @Test
  void client_readsTheFirstToken_commentOptional() throws Exception {
    assertArrayEquals(bytes(GOOD), Tokens.client(file("# mine\n" + GOOD + "\n")));
    assertArrayEquals(bytes(GOOD), Tokens.client(file(GOOD + " # ci\nzyxwvutsrqponmlk\n")));
    assertThrows(TlsFileException.class, () -> Tokens.client(file("\n\n")));
  }
}
