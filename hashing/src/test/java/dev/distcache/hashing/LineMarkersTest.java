package dev.distcache.hashing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class LineMarkersTest {
  /** Maps /a/ to /z/, the way a prefix map or base_dir rewrite would. */
  private static final UnaryOperator<String> A_TO_Z =
      p -> p.startsWith("/a/") ? "/z/" + p.substring(3) : p;

  @Test
  void startsWithMarker_onlyWhenTheFirstLineIsOne() {
    assertTrue(LineMarkers.startsWithMarker("# 0 \"t.c\"\nint x;\n".getBytes(UTF_8)));
    assertTrue(LineMarkers.startsWithMarker("#line 1 \"t.c\"".getBytes(UTF_8)));
    assertFalse(LineMarkers.startsWithMarker("int x;\n# 1 \"t.c\"\n".getBytes(UTF_8)));
    assertFalse(LineMarkers.startsWithMarker("#pragma once\n".getBytes(UTF_8)));
    assertFalse(LineMarkers.startsWithMarker(new byte[0]));
  }

  @Test
  void rewrite_plainMarker_replacesPath() {
    assertEquals("# 1 \"/z/b.c\"\n", rewrite("# 1 \"/a/b.c\"\n", A_TO_Z));
  }

  @Test
  void rewrite_markerWithFlags_replacesPathAndKeepsFlags() {
    assertEquals("# 12 \"/z/b.h\" 1 3 4\n", rewrite("# 12 \"/a/b.h\" 1 3 4\n", A_TO_Z));
  }

  @Test
  void rewrite_lineDirective_replacesPath() {
    assertEquals("#line 5 \"/z/x\"\n", rewrite("#line 5 \"/a/x\"\n", A_TO_Z));
  }

  @Test
  void rewrite_leavesEveryOtherLineByteIdentical() {
    String others =
        "#pragma once \"/a/p\"\n# define X \"/a/d\"\n#  \"/a/q\"\nchar *s = \"/a/s\";\n"
            + "  # 1 \"/a/indented\"\n#include \"/a/i\"\n";
    String text = others + "# 7 \"/a/m.c\" 2\n" + others;
    assertEquals(others + "# 7 \"/z/m.c\" 2\n" + others, rewrite(text, A_TO_Z));
  }

  @Test
  void rewrite_keepsNonUtf8BytesOutsideMarkers() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, '\n'});
    b.writeBytes("# 1 \"/a/x.c\"\n".getBytes(UTF_8));
    b.writeBytes(new byte[] {(byte) 0xc3, '"', (byte) 0x80});
    byte[] out = LineMarkers.rewrite(b.toByteArray(), A_TO_Z);
    ByteArrayOutputStream want = new ByteArrayOutputStream();
    want.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, '\n'});
    want.writeBytes("# 1 \"/z/x.c\"\n".getBytes(UTF_8));
    want.writeBytes(new byte[] {(byte) 0xc3, '"', (byte) 0x80});
    assertArrayEquals(want.toByteArray(), out);
  }

  @Test
  void rewrite_whenNothingChanges_returnsTheSameArray() {
    byte[] text = "# 1 \"/b/x.c\"\nint x;\n#pragma a\n".getBytes(UTF_8);
    assertSame(text, LineMarkers.rewrite(text, A_TO_Z));
    byte[] empty = new byte[0];
    assertSame(empty, LineMarkers.rewrite(empty, A_TO_Z));
  }

  @Test
  void rewrite_whenRewriteReturnsSamePath_returnsTheSameArray() {
    byte[] text = "# 1 \"/a/x.c\"\n".getBytes(UTF_8);
    assertSame(text, LineMarkers.rewrite(text, p -> new String(p)));
  }

  @Test
  void rewrite_lastLineWithoutNewline_isRewritten() {
    assertEquals("int x;\n# 3 \"/z/y.h\" 2", rewrite("int x;\n# 3 \"/a/y.h\" 2", A_TO_Z));
    assertEquals("# 3 \"/z/y.h\"", rewrite("# 3 \"/a/y.h\"", A_TO_Z));
  }

  @Test
  void rewrite_crlfLines_keepTheirCarriageReturn() {
    assertEquals("# 1 \"/z/x.c\"\r\nint x;\r\n", rewrite("# 1 \"/a/x.c\"\r\nint x;\r\n", A_TO_Z));
  }

  @Test
  void rewrite_escapedQuoteInPath_endsAtTheClosingQuote() {
    List<String> seen = new ArrayList<>();
    String out =
        rewrite(
            "# 1 \"/a/we\\\"ird.c\" 1\n",
            p -> {
              seen.add(p);
              return A_TO_Z.apply(p);
            });
    assertEquals("# 1 \"/z/we\\\"ird.c\" 1\n", out);
    assertEquals(1, seen.size());
    assertTrue(seen.get(0).endsWith("ird.c"), seen.toString());
  }

  @Test
  void rewrite_malformedMarkers_areLeftAlone() {
    for (String text :
        List.of(
            "#",
            "# 1",
            "# 1 \"/a/open\n",
            "# x \"/a/x\"\n",
            "#1 \"/a/x\"\n",
            "# 1 \"/a/x\\",
            "# 1  \"/a/x\"\n",
            "# 1 '/a/x'\n")) {
      byte[] b = text.getBytes(UTF_8);
      assertSame(b, LineMarkers.rewrite(b, A_TO_Z), text);
    }
  }

  @Test
  void rewrite_severalMarkers_rewritesEach() {
    String text =
        "# 1 \"/a/x.c\"\n# 1 \"<built-in>\"\n# 1 \"/a/h.h\" 1\nint h;\n# 2 \"/a/x.c\" 2\n";
    String want =
        "# 1 \"/z/x.c\"\n# 1 \"<built-in>\"\n# 1 \"/z/h.h\" 1\nint h;\n# 2 \"/z/x.c\" 2\n";
    assertEquals(want, rewrite(text, A_TO_Z));
  }

  @Test
  void usesBuiltinFile_findsTheName() {
    assertTrue(LineMarkers.usesBuiltinFile("const char *f = __builtin_FILE();".getBytes(UTF_8)));
    assertTrue(LineMarkers.usesBuiltinFile("__builtin_FILE".getBytes(UTF_8)));
    assertFalse(LineMarkers.usesBuiltinFile("__builtin_FIL".getBytes(UTF_8)));
    assertFalse(LineMarkers.usesBuiltinFile("__FILE__ __builtin_LINE()".getBytes(UTF_8)));
  }

  @Test
  void usesBuiltinFile_atEveryOffsetAmongLookalikeBytes_findsTheName() {
    String name = "__builtin_FILE";
    for (String filler : List.of("x", "_", "E", "FILE", "__builtin_", "E_", "__builtin_FIL")) {
      for (int before = 0; before < 20; before++) {
        String text = filler.repeat(before).substring(0, before) + name + filler.repeat(3);
        assertTrue(LineMarkers.usesBuiltinFile(text.getBytes(UTF_8)), text);
      }
    }
  }

  @Test
  void usesBuiltinFile_withAnyOneByteOfTheNameChanged_isFalse() {
    String name = "__builtin_FILE";
    for (int k = 0; k < name.length(); k++) {
      for (String around : List.of("", "__builtin_FIL", "_", "E")) {
        String changed = name.substring(0, k) + '#' + name.substring(k + 1);
        String text = around + changed + around;
        assertFalse(LineMarkers.usesBuiltinFile(text.getBytes(UTF_8)), text);
      }
    }
    assertFalse(LineMarkers.usesBuiltinFile(new byte[0]));
  }

  private static String rewrite(String text, UnaryOperator<String> f) {
    return new String(LineMarkers.rewrite(text.getBytes(UTF_8), f), UTF_8);
  }

  @Test
  void includedFiles_listsEachMarkedFileOnceInOrder_withoutPseudoFiles() {
    String text =
        "# 0 \"a.c\"\n# 1 \"/tmp/w//\"\n# 0 \"<built-in>\"\n# 0 \"<command-line>\"\n"
            + "# 1 \"/usr/include/stdc-predef.h\" 1 3 4\n# 0 \"<command-line>\" 2\n# 1 \"a.c\"\n"
            + "# 1 \"inc/x.h\" 1\nint x;\n# 2 \"a.c\" 2\n# 1 \"inc/x.h\" 1\n# 3 \"a.c\" 2\n#line 9 \"gen.y\"\n";
    assertEquals(
        List.of(
            new LineMarkers.MarkedFile("a.c", false),
            new LineMarkers.MarkedFile("/usr/include/stdc-predef.h", true),
            new LineMarkers.MarkedFile("inc/x.h", false),
            new LineMarkers.MarkedFile("gen.y", false)),
        LineMarkers.includedFiles(text.getBytes(UTF_8)));
  }

  @Test
  void includedFiles_unescapesPathsAsGccQuotesThem() {
    String text = "# 1 \"dir\\\\with \\\"quote\\\" and\\nnewline.h\" 1\n";
    assertEquals(
        List.of(new LineMarkers.MarkedFile("dir\\with \"quote\" and\nnewline.h", false)),
        LineMarkers.includedFiles(text.getBytes(UTF_8)));
  }

  @Test
  void includedFiles_systemFlagOnlyFromAFlagOfItsOwn() {
    String text = "# 13 \"a.h\" 1\n# 3 \"b.h\" 2\n# 1 \"c.h\" 1 3\n";
    assertEquals(
        List.of(
            new LineMarkers.MarkedFile("a.h", false),
            new LineMarkers.MarkedFile("b.h", false),
            new LineMarkers.MarkedFile("c.h", true)),
        LineMarkers.includedFiles(text.getBytes(UTF_8)));
  }

  @Test
  void includedFiles_ofTextWithoutMarkers_isEmpty() {
    assertEquals(List.of(), LineMarkers.includedFiles("int x;\n#pragma once\n".getBytes(UTF_8)));
  }
}
