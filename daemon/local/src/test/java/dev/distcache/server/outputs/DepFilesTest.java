package dev.distcache.server.outputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DepFilesTest {
  @Test
  void quote_escapesLikeGccDoesForItsDefaultTarget() {
    assertEquals("o$$x\\ y.o", DepFiles.quote("o$x y.o"));
    assertEquals("a\\#b.o", DepFiles.quote("a#b.o"));
    assertEquals("dir/plain.o", DepFiles.quote("dir/plain.o"));
    assertEquals("tab\\\tname.o", DepFiles.quote("tab\tname.o"));
  }

  @Test
  void quote_doublesBackslashesThatPrecedeABlank() {
    assertEquals("a\\\\\\ b.o", DepFiles.quote("a\\ b.o"));
  }

  @Test
  void retarget_replacesOnlyTheLeadingTarget() {
    byte[] dep = "old.o: src/a.c inc/old.o.h\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(
        "new/x.o: src/a.c inc/old.o.h\n",
        new String(DepFiles.retarget(dep, "old.o", "new/x.o"), StandardCharsets.UTF_8));
  }

  @Test
  void retarget_whenTheFileDoesNotStartWithTheTarget_returnsNull() {
    byte[] dep = "other.o: a.c\n".getBytes(StandardCharsets.UTF_8);
    assertNull(DepFiles.retarget(dep, "old.o", "new.o"));
    assertNull(DepFiles.retarget("old.o".getBytes(StandardCharsets.UTF_8), "old.o", "new.o"));
    assertNull(
        DepFiles.retarget("old.obj: a.c".getBytes(StandardCharsets.UTF_8), "old.o", "new.o"));
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
