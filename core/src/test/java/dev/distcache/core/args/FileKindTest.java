package dev.distcache.core.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only reads attributes: no test here writes to a device. */
class FileKindTest {
  @TempDir Path dir;

  @Test
  void regularAbsentAndDirectory() throws IOException {
    Files.writeString(dir.resolve("a.c"), "int a;");
    assertEquals(FileKind.REGULAR, FileKind.of(dir.resolve("a.c"), true));
    assertEquals(
        FileKind.ABSENT, FileKind.of(dir.resolve("sub/../a.c"), false)); // as the kernel: no sub
    Files.createDirectories(dir.resolve("sub"));
    assertEquals(FileKind.REGULAR, FileKind.of(dir.resolve("sub/../a.c"), false));
    assertEquals(FileKind.ABSENT, FileKind.of(dir.resolve("b.o"), false));
    assertEquals(FileKind.ABSENT, FileKind.of(dir.resolve("missing/b.o"), false));
    assertEquals(FileKind.OTHER, FileKind.of(dir, false));
    assertEquals(FileKind.OTHER, FileKind.of(dir.resolve("a.c/x.o"), false));
  }

  @Test
  void links_areFollowedOnlyWhenAsked() throws IOException {
    Files.writeString(dir.resolve("a.c"), "int a;");
    Files.createSymbolicLink(dir.resolve("rel.c"), Path.of("a.c"));
    Files.createDirectories(dir.resolve("d"));
    Files.createSymbolicLink(dir.resolve("d/up.c"), Path.of("../rel.c"));
    assertEquals(FileKind.REGULAR, FileKind.of(dir.resolve("rel.c"), true));
    assertEquals(FileKind.REGULAR, FileKind.of(dir.resolve("d/up.c"), true));
    assertEquals(FileKind.LINK, FileKind.of(dir.resolve("rel.c"), false));
    Files.createSymbolicLink(dir.resolve("loop"), Path.of("loop"));
    assertEquals(FileKind.OTHER, FileKind.of(dir.resolve("loop"), true));
    Files.createSymbolicLink(dir.resolve("linkdir"), dir.resolve("d"));
    assertEquals(FileKind.ABSENT, FileKind.of(dir.resolve("linkdir/new.o"), false));
  }

  @Test
  void devicesFifosAndProcessRelativePaths_areOther() throws Exception {
    assertEquals(FileKind.DEV_NULL, FileKind.of(Path.of("/dev/null"), false));
    assertEquals(FileKind.DEV_NULL, FileKind.of(Path.of("/dev/../dev/null"), true));
    assertEquals(FileKind.OTHER, FileKind.of(Path.of("/dev/zero"), true));
    assertEquals(FileKind.OTHER, FileKind.of(Path.of("/dev/stdin"), true));
    assertEquals(FileKind.OTHER, FileKind.of(Path.of("/dev/fd/0"), true));
    assertEquals(FileKind.OTHER, FileKind.of(Path.of("/proc/self/cwd/x.o"), false));
    Files.createSymbolicLink(dir.resolve("in.h"), Path.of("/dev/stdin"));
    assertEquals(FileKind.OTHER, FileKind.of(dir.resolve("in.h"), true));
    Path fifo = dir.resolve("f.fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    assertEquals(FileKind.OTHER, FileKind.of(fifo, true));
  }

  @Test
  void devNullPath_isLexical() {
    assertTrue(FileKind.isDevNullPath(Path.of("/dev/null")));
    assertTrue(FileKind.isDevNullPath(Path.of("/dev/./null")));
    assertFalse(FileKind.isDevNullPath(Path.of("/dev/null.d")));
    assertFalse(FileKind.isDevNullPath(Path.of("null")));
  }

  @Test
  void probe_agreesWithTheWalk() throws Exception {
    Files.writeString(dir.resolve("a.c"), "int a;");
    Files.createSymbolicLink(dir.resolve("in.h"), Path.of("/dev/stdin"));
    Files.createSymbolicLink(dir.resolve("rel.c"), Path.of("a.c"));
    Files.createSymbolicLink(dir.resolve("fds"), Path.of("/proc/self/fd"));
    for (String name :
        new String[] {"a.c", "in.h", "rel.c", "none.o", "fds/0", "fds/1", "x/../a.c"}) {
      for (boolean follow : new boolean[] {true, false}) {
        FileKind probed = FileKind.probe(dir.resolve(name), follow);
        if (name.startsWith("fds/") && !follow) {
          assertTrue(
              probed == FileKind.LINK || probed == FileKind.OTHER, name); // never one to write
        } else {
          assertEquals(FileKind.of(dir.resolve(name), follow), probed, name);
        }
      }
    }
    assertEquals(FileKind.DEV_NULL, FileKind.probe(Path.of("/dev/null"), false));
    assertEquals(FileKind.OTHER, FileKind.probe(Path.of("/dev/stdin"), true));
  }
}
