package dev.distcache.core.args;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DepTargetsTest {
  @Test
  void quote_escapesLikeGccDoesForItsDefaultTarget() {
    assertEquals("o$$x\\ y.o", DepTargets.quote("o$x y.o"));
    assertEquals("a\\#b.o", DepTargets.quote("a#b.o"));
    assertEquals("dir/plain.o", DepTargets.quote("dir/plain.o"));
    assertEquals("tab\\\tname.o", DepTargets.quote("tab\tname.o"));
  }

  @Test
  void quote_doublesBackslashesThatPrecedeABlank() {
    assertEquals("a\\\\\\ b.o", DepTargets.quote("a\\ b.o"));
  }

  @Test
  void defaultTarget_isTheOutputOnlyWhenTheDriverPassesItOn() {
    assertEquals("out/x.o", DepTargets.defaultTarget("src/a.c", "out/x.o", true, true));
    assertEquals("a.o", DepTargets.defaultTarget("src/a.c", "out/x.o", true, false));
    assertEquals("a.o", DepTargets.defaultTarget("src/a.c", "a.s", false, true));
  }
}
