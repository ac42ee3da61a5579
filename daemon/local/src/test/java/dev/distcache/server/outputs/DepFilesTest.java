package dev.distcache.server.outputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DepFilesTest {
  @Test
  void retarget_replacesOnlyTheTargets() {
    byte[] dep = "old.o: src/a.c inc/old.o.h\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(
        "new/x.o: src/a.c inc/old.o.h\n",
        text(DepFiles.retarget(dep, List.of("old.o"), List.of("new/x.o"))));
  }

  @Test
  void retarget_laysTheRuleOutAgainAsGccDoes_andKeepsThePhonyTargets() {
    // gcc 12: -MD -MP -MT t -MQ 'q $' on a source with two long header names.
    String stored =
        "t q\\ $$: t.c a_header_with_a_rather_long_name_number_one.h \\\n"
            + " a_header_with_a_rather_long_name_number_two.h\n"
            + "a_header_with_a_rather_long_name_number_one.h:\n"
            + "a_header_with_a_rather_long_name_number_two.h:\n";
    String wanted =
        "a_much_longer_target_name.o another: t.c \\\n"
            + " a_header_with_a_rather_long_name_number_one.h \\\n"
            + " a_header_with_a_rather_long_name_number_two.h\n"
            + "a_header_with_a_rather_long_name_number_one.h:\n"
            + "a_header_with_a_rather_long_name_number_two.h:\n";
    byte[] out =
        DepFiles.retarget(
            stored.getBytes(StandardCharsets.UTF_8),
            List.of("t", "q\\ $$"),
            List.of("a_much_longer_target_name.o", "another"));
    assertEquals(wanted, text(out));
    assertEquals(
        stored,
        text(
            DepFiles.retarget(
                out, List.of("a_much_longer_target_name.o", "another"), List.of("t", "q\\ $$"))));
  }

  @Test
  void rewrite_renamesThePrerequisitesAndPhonyTargets_andWrapsThemAgainAsGccDoes() {
    // gcc 12: -MMD -MP -I/tmp/c1/include -c src/t.c, and the same in /tmp/a_longer_checkout.
    String stored =
        "t.o: src/t.c /tmp/c1/include/a_header_with_a_rather_long_name.h\n"
            + "/tmp/c1/include/a_header_with_a_rather_long_name.h:\n";
    String wanted =
        "t.o: src/t.c \\\n"
            + " /tmp/a_longer_checkout/include/a_header_with_a_rather_long_name.h\n"
            + "/tmp/a_longer_checkout/include/a_header_with_a_rather_long_name.h:\n";
    byte[] out =
        DepFiles.rewrite(
            bytes(stored),
            List.of("t.o"),
            List.of("t.o"),
            n -> n.startsWith("/tmp/c1/") ? "/tmp/a_longer_checkout/" + n.substring(8) : n);
    assertEquals(wanted, text(out));
    assertNull(
        DepFiles.rewrite(
            bytes("t.o: t.c\nnot a phony target\n"), List.of("t.o"), List.of("t.o"), n -> n),
        "a line after the rule that gcc does not write");
  }

  @Test
  void retarget_whenTheFileIsNotWhatGccWritesForItsTargets_returnsNull() {
    List<String> old = List.of("old.o");
    List<String> to = List.of("new.o");
    assertNull(DepFiles.retarget(bytes("other.o: a.c\n"), old, to));
    assertNull(DepFiles.retarget(bytes("old.o"), old, to));
    assertNull(DepFiles.retarget(bytes("old.obj: a.c\n"), old, to));
    assertNull(DepFiles.retarget(bytes("old.o: a.c"), old, to), "no final newline");
    assertNull(DepFiles.retarget(bytes("old.o:  a.c\n"), old, to), "two blanks");
    assertNull(DepFiles.retarget(bytes("old.o: a.c \\\n b.h\n"), old, to), "an early break");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void prerequisites_ofGccsOwnOutput_areTheFilesUnquoted() {
    // gcc 12 -MD -MP for "sp ace.c" including "we ird/a b#c$d.h" and <stdio.h> (shortened).
    String dep =
        "sp.o: sp\\ ace.c /usr/include/stdc-predef.h we\\ ird/a\\ b\\#c$$d.h \\\n"
            + " /usr/include/stdio.h \\\n /usr/include/features.h\n"
            + "/usr/include/stdc-predef.h:\nwe\\ ird/a\\ b\\#c$$d.h:\n";
    assertEquals(
        List.of(
            "sp ace.c",
            "/usr/include/stdc-predef.h",
            "we ird/a b#c$d.h",
            "/usr/include/stdio.h",
            "/usr/include/features.h"),
        DepFiles.prerequisites(dep.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void prerequisites_withSeveralTargetsAndBackslashesBeforeABlank() {
    String dep = "a.o b.o: x\\\\\\ y.c plain\\\\ z.h\n";
    assertEquals(
        List.of("x\\ y.c", "plain\\", "z.h"),
        DepFiles.prerequisites(dep.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void prerequisites_withTargetsWrappedOverLines() {
    assertEquals(
        List.of("a.c"),
        DepFiles.prerequisites("t1 \\\n t2: a.c\n".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void prerequisites_withoutARule_isNull() {
    assertNull(DepFiles.prerequisites("no rule here\nx: y\n".getBytes(StandardCharsets.UTF_8)));
    assertNull(DepFiles.prerequisites(new byte[0]));
  }
}
