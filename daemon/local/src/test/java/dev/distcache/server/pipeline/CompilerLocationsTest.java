package dev.distcache.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.distcache.core.compiler.CompilerLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kept location is the answer a fresh search would give: each change to what the search looked at
 * sends the next compile through the search again.
 */
class CompilerLocationsTest {
  @TempDir Path tmp;

  private final CompilerLocator locator = new CompilerLocator(Set.of());
  private final CompilerLocations locations = new CompilerLocations(locator);

  private Path first() {
    return tmp.resolve("first");
  }

  private Path second() {
    return tmp.resolve("second");
  }

  private Map<String, String> env() {
    return Map.of("PATH", first() + ":" + second());
  }

  private Path locate() throws CompilerLocator.NotFoundException {
    Path found = locations.locate("cc", "", env(), tmp, "").compiler();
    assertEquals(
        locator.locate("cc", "", env(), tmp, "").compiler(), found, "as a fresh search finds");
    return found;
  }

  private static Path compiler(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path p = dir.resolve("cc");
    Files.writeString(p, "#!/bin/sh\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void locate_followsEveryChangeToWhatTheSearchLookedAt() throws Exception {
    Files.createDirectories(first());
    Path later = compiler(second());
    assertEquals(later, locate());
    assertEquals(later, locate(), "kept");

    Path earlier = compiler(first());
    assertEquals(earlier, locate(), "a compiler installed earlier in PATH");

    Files.setPosixFilePermissions(earlier, PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals(later, locate(), "no longer executable");

    Files.delete(earlier);
    Path elsewhere = compiler(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(earlier, elsewhere);
    assertEquals(earlier, locate(), "a link to a compiler");

    Files.delete(earlier);
    assertEquals(later, locate(), "the link removed");

    Files.delete(later);
    assertThrows(CompilerLocator.NotFoundException.class, this::locate);
    assertThrows(
        CompilerLocator.NotFoundException.class,
        () -> locations.locate("cc", "", env(), tmp, ""),
        "a failed search is not kept");
  }

  @Test
  void locate_keepsEachQuestionApart() throws Exception {
    Path a = compiler(first());
    Path b = compiler(second());
    assertEquals(a, locate());
    assertEquals(
        b,
        locations.locate("cc", "", Map.of("PATH", second().toString()), tmp, "").compiler(),
        "another PATH");
    assertEquals(
        b,
        locations.locate("cc", "", env(), tmp, second().toString()).compiler(),
        "the path setting");
    assertEquals(a, locate());
  }
}
