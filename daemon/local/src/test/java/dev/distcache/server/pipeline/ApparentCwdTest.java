package dev.distcache.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApparentCwdTest {
  @TempDir Path tmp;

  @Test
  void pwdThroughASymlinkToTheWorkingDirectory_isTheApparentOne() throws IOException {
    Path real = Files.createDirectories(tmp.resolve("real"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    assertEquals(link, ApparentCwd.of(real, Map.of("PWD", link.toString())));
  }

  @Test
  void pwdNamingAnotherDirectory_orRelative_orMissing_leavesThePhysicalOne() throws IOException {
    Path real = Files.createDirectories(tmp.resolve("real"));
    Path other = Files.createDirectories(tmp.resolve("other"));
    assertEquals(real, ApparentCwd.of(real, Map.of("PWD", other.toString())));
    assertEquals(real, ApparentCwd.of(real, Map.of("PWD", "real")));
    assertEquals(real, ApparentCwd.of(real, Map.of("PWD", tmp.resolve("gone").toString())));
    assertEquals(real, ApparentCwd.of(real, Map.of()));
  }
}
