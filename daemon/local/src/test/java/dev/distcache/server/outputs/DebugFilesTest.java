package dev.distcache.server.outputs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebugFilesTest {
  @TempDir Path tmp;

  @Test
  void path_withoutDebugDir_isNextToTheObject() {
    assertEquals(
        Path.of("/home/u/build/out.o.distcache-input-text"),
        DebugFiles.path("", Path.of("/home/u"), "build/out.o", "distcache-input-text"));
  }

  @Test
  void path_withDebugDir_mirrorsTheObjectsAbsolutePath_asTheCcacheManualSays() {
    assertEquals(
        Path.of("/example/home/user/build/output.o.distcache-input-text"),
        DebugFiles.path(
            "/example", Path.of("/home/user"), "build/output.o", "distcache-input-text"));
    assertEquals(
        Path.of("/home/user/dbg/abs/x.o.s"),
        DebugFiles.path("dbg", Path.of("/home/user"), "/abs/x.o", "s"));
  }

  @Test
  void write_createsTheDirectories() throws IOException {
    DebugFiles.write(tmp.resolve("dbg").toString(), tmp, "o/a.o", "t", "text");
    Path expected = Path.of(tmp.resolve("dbg") + tmp.resolve("o/a.o").toString() + ".t");
    assertEquals("text", Files.readString(expected));
  }
}
