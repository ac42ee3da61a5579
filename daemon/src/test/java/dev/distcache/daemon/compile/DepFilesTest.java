package dev.distcache.daemon.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
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
    assertEquals("new/x.o: src/a.c inc/old.o.h\n",
        new String(DepFiles.retarget(dep, "old.o", "new/x.o"), StandardCharsets.UTF_8));
  }

  @Test
  void retarget_whenTheFileDoesNotStartWithTheTarget_returnsNull() {
    byte[] dep = "other.o: a.c\n".getBytes(StandardCharsets.UTF_8);
    assertNull(DepFiles.retarget(dep, "old.o", "new.o"));
    assertNull(DepFiles.retarget("old.o".getBytes(StandardCharsets.UTF_8), "old.o", "new.o"));
    assertNull(DepFiles.retarget("old.obj: a.c".getBytes(StandardCharsets.UTF_8), "old.o", "new.o"));
  }
}
