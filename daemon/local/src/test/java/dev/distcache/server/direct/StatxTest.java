package dev.distcache.server.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native stat says what Java's file attributes say, field for field. */
class StatxTest {
  @TempDir Path dir;

  @Test
  void statx_isThereOnLinux() {
    assertTrue(Statx.available());
  }

  @Test
  void of_agreesWithJavasAttributes_onEveryKindOfFile() throws IOException {
    Path file = Files.writeString(dir.resolve("a.h"), "int a;\n");
    // A time with nanoseconds and one before the epoch: both fields and the sign must carry over.
    Files.setLastModifiedTime(
        file, FileTime.from(Instant.ofEpochSecond(1_700_000_000L, 123_456_789)));
    Path old = Files.writeString(dir.resolve("old.h"), "");
    Files.setLastModifiedTime(old, FileTime.from(Instant.ofEpochSecond(-5, 7)));
    Path link = Files.createSymbolicLink(dir.resolve("link.h"), file);
    Path sub = Files.createDirectory(dir.resolve("sub"));
    List<Path> paths =
        List.of(
            file,
            old,
            link,
            sub,
            dir.resolve("sub/../a.h"),
            Nodes.charDevice(dir.resolve("my-null"), 1, 3),
            Nodes.charDevice(dir.resolve("zero"), 1, 5),
            Nodes.fifo(dir.resolve("fifo")),
            Path.of("/dev/null"),
            Path.of("/usr/include/stdio.h"));
    for (Path p : paths) {
      FileStat fast = Statx.of(p).orElseThrow(() -> new AssertionError("no statx for " + p));
      assertEquals(FileStat.ofJava(p), fast, p.toString());
      assertEquals(fast, FileStat.of(p), p.toString());
    }
    assertTrue(FileStat.of(dir.resolve("my-null")).nullDevice());
  }

  @Test
  void of_aRelativePath_isResolvedAgainstTheProcessDirectory_asJavaDoes() throws IOException {
    Path here = Path.of("pom.xml");
    assertEquals(FileStat.ofJava(here), Statx.of(here).orElseThrow());
  }

  @Test
  void of_aMissingFileOrADanglingLink_failsAsJavaDoes() throws IOException {
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling.h"), dir.resolve("gone.h"));
    for (Path p : List.of(dir.resolve("missing.h"), dangling, dir.resolve("missing/x.h"))) {
      assertTrue(Statx.of(p).isEmpty(), p.toString());
      assertThrows(NoSuchFileException.class, () -> FileStat.of(p), p.toString());
    }
  }

  @Test
  void of_aNonAsciiName_isLeftToJava() throws IOException {
    Path p = Files.writeString(dir.resolve("\u00e9t\u00e9.h"), "x");
    assertTrue(Statx.of(p).isEmpty());
    assertEquals(FileStat.ofJava(p), FileStat.of(p));
  }

  @Test
  void makedev_isGlibcs() {
    assertEquals(0x103L, Statx.makedev(1, 3));
    assertEquals(
        (0x12000L << 32) | (0x345L << 8) | (0xabc00L << 12) | 0xdeL,
        Statx.makedev(0x12345, 0xabcde));
  }
}
