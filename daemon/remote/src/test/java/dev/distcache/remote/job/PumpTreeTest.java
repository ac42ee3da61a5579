package dev.distcache.remote.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.distribute.distcc.PumpFile;
import dev.distcache.remote.policy.JobRefused;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PumpTreeTest {
  @TempDir Path tmp;
  Path root;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectory(tmp.resolve("root"));
  }

  private static PumpFile file(String name, String text) {
    return new PumpFile.Regular(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private String refused(String cwd, PumpFile... files) {
    return assertThrows(JobRefused.class, () -> PumpTree.materialize(root, cwd, List.of(files)))
        .getMessage();
  }

  @Test
  void filesAndDownwardLinks_areRecreatedUnderTheRoot() throws Exception {
    PumpTree.materialize(
        root,
        "/home/u/p",
        List.of(
            file("/home/u/p/m.c", "int x;"),
            file("/home/u/p/inc/x.h", "#x"),
            new PumpFile.Link("/home/u/p/y.h", "inc/x.h")));
    assertEquals("int x;", Files.readString(root.resolve("home/u/p/m.c")));
    assertEquals("#x", Files.readString(root.resolve("home/u/p/y.h")));
    assertTrue(Files.isDirectory(root.resolve("home/u/p")));
  }

  @Test
  void theIncludeServersSystemDirectoryLink_isSkipped() throws Exception {
    PumpTree.materialize(
        root, "/p", List.of(new PumpFile.Link("/usr/include", "../../../../../../usr/include")));
    assertFalse(Files.exists(root.resolve("usr/include"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void namesAndTargetsThatWouldLeaveTheRoot_areRefused() throws Exception {
    assertTrue(refused("/p", file("/../etc/cron.d/x", "")).contains("without . or .."));
    assertTrue(refused("/p", file("etc/x", "")).contains("absolute"));
    assertTrue(refused("/p", file("/p/", "")).contains("file path"));
    assertTrue(refused("p", file("/p/a.c", "")).startsWith("CDIR"));
    assertTrue(refused("/p/../..", file("/p/a.c", "")).startsWith("CDIR"));
    assertTrue(
        refused("/p", new PumpFile.Link("/p/l", "/etc/passwd")).contains("must be relative"));
    assertTrue(
        refused("/p", new PumpFile.Link("/p/l", "../../etc/passwd"))
            .contains("may not contain .."));
    assertTrue(
        refused("/p", new PumpFile.Link("/p/l", "a/../../x")).contains("may not contain .."));
    // the system-directory exception needs the link's own path after the climb
    assertTrue(
        refused("/p", new PumpFile.Link("/usr/include", "../../../../../../etc")).contains(".."));
    assertEquals(
        List.of(),
        List.of(tmp.toFile().list()).stream().filter(n -> !n.equals("root")).toList(),
        "nothing was written beside the root");
  }

  @Test
  void nothingIsWrittenThroughALinkTheClientSent() throws Exception {
    Files.createDirectory(tmp.resolve("outside"));
    String m =
        refused(
            "/p",
            new PumpFile.Link("/p/d", "sub"),
            file("/p/sub/keep", ""),
            file("/p/d/x", "escape?"));
    assertTrue(m.contains("passes through a symbolic link"), m);
    assertTrue(
        refused("/q", new PumpFile.Link("/q/f", "g"), file("/q/f", "")).contains("sent twice"));
  }

  @Test
  void aNameSentTwice_isRefused() {
    assertTrue(refused("/p", file("/p/a.c", "1"), file("/p/a.c", "2")).contains("sent twice"));
  }
}
