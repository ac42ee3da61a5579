package dev.distcache.hashing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The word-at-a-time searches give what a plain reading of the text gives: {@link ByteSearch}
 * against a byte loop, {@link SourceScan} and the line markers against patterns written from their
 * definitions. The texts are built of the pieces the scans look for, near misses, and bytes of
 * every kind (0x80 and up, NUL), at every alignment to the eight-byte words.
 */
class TextScanProperties {
  private static final List<String> PIECES =
      List.of(
          "__TIME__",
          "__DATE__",
          "__TIMESTAMP__",
          "__FILE__",
          "__BASE_FILE__",
          "__builtin_FILE",
          "__TIM",
          "_",
          "__",
          ".incbin",
          ".include",
          ".inc",
          " ",
          "\t",
          "\\t",
          "\\\n",
          "\"",
          "\\\"",
          "\\x",
          "\\0",
          "\\8",
          "#",
          "#embed",
          "# embed",
          "embed",
          "embed_",
          "embedx",
          "\n",
          "\n# 1 \"a.h\"",
          "\n# 12 \"dir/b.h\" 1 3",
          "\n#line 7 \"c\\\"q.h\"",
          "\n#line7 \"d.h\"",
          "\n#  3 \"e.h\" 2",
          "\n# 4  \"f.h\"",
          "\n# 5 \"unterminated",
          "\n# 6 \"esc\\\n",
          "\n#l",
          "# 8 \"g.h\"",
          "#line 9 \"h.h\"",
          "<built-in>",
          "x",
          "0",
          "9",
          "line");

  @Provide
  Arbitrary<byte[]> texts() {
    Arbitrary<byte[]> piece = Arbitraries.of(PIECES).map(p -> p.getBytes(ISO_8859_1));
    Arbitrary<byte[]> anyByte = Arbitraries.bytes().map(b -> new byte[] {b});
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, piece), net.jqwik.api.Tuple.of(1, anyByte))
        .list()
        .ofMaxSize(60)
        .map(parts -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          parts.forEach(out::writeBytes);
          return out.toByteArray();
        });
  }

  @Property
  void indexOf_findsTheFirstByteAtOrAfterFrom(
      @ForAll("texts") byte[] text, @ForAll byte c, @ForAll @IntRange(min = 0, max = 70) int from) {
    assertEquals(firstOf(text, from, c, c, c), ByteSearch.indexOf(text, c, from));
  }

  @Property
  void indexOfAny_findsTheFirstOfThreeBytesAtOrAfterFrom(
      @ForAll("texts") byte[] text,
      @ForAll byte a,
      @ForAll byte b,
      @ForAll @IntRange(min = 0, max = 70) int from) {
    byte c = (byte) '#';
    assertEquals(firstOf(text, from, a, b, c), ByteSearch.indexOfAny(text, from, a, b, c));
  }

  private static int firstOf(byte[] t, int from, byte a, byte b, byte c) {
    for (int i = from; i < t.length; i++) {
      if (t[i] == a || t[i] == b || t[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static final Pattern TIME = Pattern.compile("__(TIME|DATE|TIMESTAMP)__");
  private static final Pattern FILE = Pattern.compile("__(FILE|BASE_FILE)__|__builtin_FILE");
  private static final Pattern DIRECTIVE =
      Pattern.compile("\\.(incbin|include)([ \\t]|\\\\[t\\n])*+(\"|\\\\[\"x0-7])");
  private static final Pattern EMBED = Pattern.compile("#[ \\t]*+embed(?![A-Za-z0-9_])");

  @Property
  void flags_areThoseThePatternsOfTheirDefinitionsFind(
      @ForAll("texts") byte[] text, @ForAll @IntRange(min = 0, max = 15) int wanted) {
    String t = new String(text, ISO_8859_1);
    int expected =
        (TIME.matcher(t).find() ? SourceScan.TIME_MACROS : 0)
            | (FILE.matcher(t).find() ? SourceScan.FILE_MACROS : 0)
            | (DIRECTIVE.matcher(t).find() ? SourceScan.CODE_DIRECTIVES : 0)
            | (EMBED.matcher(t).find() ? SourceScan.EMBED : 0);
    assertEquals(expected & wanted, SourceScan.flags(text, wanted));
  }

  /** A line marker: a line that starts with {@code #} or {@code #line}, blanks, digits, a path. */
  private static final Pattern MARKER =
      Pattern.compile(
          "^#(?:line)?+[ \\t]++[0-9]++ \"((?:[^\"\\\\\\n]|\\\\[^\\n])*+)\"",
          Pattern.MULTILINE | Pattern.UNIX_LINES);

  @Property
  void markerPaths_areThoseOfEveryLineThatIsAMarker(@ForAll("texts") byte[] text) {
    List<String> expected = new ArrayList<>();
    Matcher m = MARKER.matcher(new String(text, ISO_8859_1));
    while (m.find()) {
      expected.add(new String(m.group(1).getBytes(ISO_8859_1), UTF_8));
    }
    List<String> seen = new ArrayList<>();
    LineMarkers.allMarkerPaths(text, seen::add);
    assertEquals(expected, seen);
  }
}
