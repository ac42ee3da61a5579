package dev.distcache.core.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Response files read the way gcc (libiberty's expandargv) reads them. */
class ResponseFilesTest {
  @TempDir Path cwd;

  @Test
  void split_whiteSpaceSeparates() {
    assertEquals(List.of("-c", "foo.c", "-O2"), ResponseFiles.split("  -c\tfoo.c\n\n-O2 \r\n"));
  }

  @Test
  void split_onlyAsciiWhiteSpaceSeparates() {
    // libiberty's ISSPACE is space, \t, \n, \v, \f and \r; gcc 12 keeps "-DX=a\u3000b" as one
    // argument.
    assertEquals(
        List.of("-DX=a\u3000b", "-DY=c\u001cd", "-DZ=e\u2028f"),
        ResponseFiles.split("-DX=a\u3000b -DY=c\u001cd -DZ=e\u2028f"));
    assertEquals(List.of("a", "b", "c"), ResponseFiles.split("a\u000bb\fc"));
  }

  @Test
  void split_trailingBackslash_isDropped() {
    // gcc 12 reads a file holding just `-DX=a\` as -DX=a.
    assertEquals(List.of("-DX=a"), ResponseFiles.split("-DX=a\\"));
  }

  @Test
  void split_singleAndDoubleQuotesGroup() {
    assertEquals(
        List.of("a b", "c d", "x'y", "p\"q"), ResponseFiles.split("'a b' \"c d\" \"x'y\" 'p\"q'"));
  }

  @Test
  void split_quotesJoinWithTheirNeighbours() {
    assertEquals(
        List.of("-DA=a b", "pre mid post"), ResponseFiles.split("-DA='a b' pre' 'mid\" \"post"));
  }

  @Test
  void split_backslashEscapesTheNextCharacterInsideAndOutsideQuotes() {
    assertEquals(
        List.of("e f", "x\"y", "'q", "a\\b"), ResponseFiles.split("e\\ f \"x\\\"y\" \\'q a\\\\b"));
  }

  @Test
  void split_emptyQuotesAreAnEmptyArgument() {
    assertEquals(List.of("", "x"), ResponseFiles.split("'' x"));
  }

  @Test
  void split_emptyTextHasNoArguments() {
    assertEquals(List.of(), ResponseFiles.split(" \n\t"));
  }

  @Test
  void expand_replacesAtFileRelativeToCwdAndKeepsOtherArguments() throws Exception {
    Files.writeString(cwd.resolve("a.rsp"), "-DX 'y z'");
    assertEquals(
        List.of("-c", "-DX", "y z", "foo.c"),
        ResponseFiles.expand(List.of("-c", "@a.rsp", "foo.c"), cwd));
  }

  @Test
  void expand_expandsNestedFiles() throws Exception {
    Files.writeString(cwd.resolve("outer.rsp"), "-A @inner.rsp -B");
    Files.writeString(cwd.resolve("inner.rsp"), "-C");
    assertEquals(List.of("-A", "-C", "-B"), ResponseFiles.expand(List.of("@outer.rsp"), cwd));
  }

  @Test
  void expand_loneAtIsAnOrdinaryArgument() throws Exception {
    assertEquals(List.of("@"), ResponseFiles.expand(List.of("@"), cwd));
  }

  @Test
  void expand_missingFile_throwsUnreadableNamingTheFile() {
    ResponseFiles.UnreadableException e =
        assertThrows(
            ResponseFiles.UnreadableException.class,
            () -> ResponseFiles.expand(List.of("@nope.rsp"), cwd));
    assertTrue(e.getMessage().contains("nope.rsp"), e.getMessage());
  }

  @Test
  void expand_nameNoPathCanHave_throwsUnreadableNotInvalidPath() {
    assertThrows(
        ResponseFiles.UnreadableException.class, () -> ResponseFiles.expand(List.of("@a\0b"), cwd));
  }

  @Test
  void expand_directory_throwsUnreadable() throws IOException {
    Files.createDirectory(cwd.resolve("dir"));
    assertThrows(
        ResponseFiles.UnreadableException.class, () -> ResponseFiles.expand(List.of("@dir"), cwd));
  }

  @Test
  void expand_selfReference_throwsUnreadableInsteadOfLooping() throws IOException {
    Files.writeString(cwd.resolve("self.rsp"), "@self.rsp");
    assertThrows(
        ResponseFiles.UnreadableException.class,
        () -> ResponseFiles.expand(List.of("@self.rsp"), cwd));
  }
}
