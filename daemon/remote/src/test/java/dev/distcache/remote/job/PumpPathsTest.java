package dev.distcache.remote.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.remote.policy.JobRefused;
import java.util.List;
import org.junit.jupiter.api.Test;

class PumpPathsTest {
  private static final String ROOT = "/tmp/job/root";

  @Test
  void absolutePaths_moveUnderTheRoot_asDistccdDoes() throws Exception {
    List<String> args =
        List.of(
            "-c",
            "-I/usr/local/include",
            "-isystem",
            "/opt/x/include",
            "-include",
            "/p/cfg.h",
            "-iquote",
            "inc",
            "-DV=/not/a/path",
            "-fdebug-prefix-map=/p=.",
            "/p/m.c",
            "-Iinc2");
    assertEquals(
        List.of(
            "-c",
            "-I" + ROOT + "/usr/local/include",
            "-isystem",
            ROOT + "/opt/x/include",
            "-include",
            ROOT + "/p/cfg.h",
            "-iquote",
            "inc",
            "-DV=/not/a/path",
            "-fdebug-prefix-map=" + ROOT + "/p=.",
            ROOT + "/p/m.c",
            "-Iinc2"),
        PumpPaths.rewrite(args, 10, ROOT, "/p"));
  }

  @Test
  void valuesOfOtherOptions_areNotTakenForPaths() throws Exception {
    List<String> args = List.of("-D", "/x", "-o", "/y", "m.c");
    assertEquals(args, PumpPaths.rewrite(args, 4, ROOT, "/p"));
  }

  @Test
  void pathsLeavingTheRoot_areRefused() {
    for (List<String> args :
        List.of(
            List.of("-I../../..", "m.c"),
            List.of("-I", "/../../etc", "m.c"),
            List.of("-include", "../../../../etc/passwd", "m.c"),
            List.of("-iwithprefixbefore/../..", "m.c"))) {
      String m =
          assertThrows(JobRefused.class, () -> PumpPaths.check(args, 1, "/home/u")).getMessage();
      assertTrue(m.contains("leads out of the client's files"), args + ": " + m);
    }
    assertThrows(JobRefused.class, () -> PumpPaths.check(List.of("-c", "../../../x.c"), 1, "/a"));
  }

  @Test
  void aSplitDwarfOutput_movesUnderTheRoot_andMayNotLeaveIt() throws Exception {
    assertEquals("obj/m.o", PumpPaths.output("obj/m.o", ROOT, "/home/u"));
    assertEquals(ROOT + "/home/u/obj/m.o", PumpPaths.output("/home/u/obj/m.o", ROOT, "/home/u"));
    assertEquals("../m.o", PumpPaths.output("../m.o", ROOT, "/home/u"));
    String m =
        assertThrows(JobRefused.class, () -> PumpPaths.output("../../../m.o", ROOT, "/home/u"))
            .getMessage();
    assertTrue(m.contains("-o"), m);
  }

  @Test
  void dotDotInsideTheTree_isFine() throws Exception {
    PumpPaths.check(List.of("-I../include", "../src/m.c"), 1, "/home/u/p/build");
  }
}
