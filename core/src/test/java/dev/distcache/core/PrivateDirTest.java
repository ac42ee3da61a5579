package dev.distcache.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateDirTest {
  @TempDir Path tmp;

  @Test
  void madeWhenMissing_withMode0700() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path dir = tmp.resolve("a/run");
    assertTrue(PrivateDir.usable(dir, true));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
  }

  @Test
  void missingAndNotToBeMade_isRefused() {
    assertFalse(PrivateDir.usable(tmp.resolve("absent"), false));
  }

  @Test
  void openMode_link_orParentOthersCanWriteWithoutSticky_isRefused() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-x---"));
    assertFalse(PrivateDir.usable(open, false));

    Path real = Files.createDirectory(tmp.resolve("real"));
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
    assertTrue(PrivateDir.usable(real, false));
    assertFalse(PrivateDir.usable(Files.createSymbolicLink(tmp.resolve("link"), real), false));

    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertFalse(
        PrivateDir.usable(real, false),
        "anyone could rename it away and put their own in its place");
  }
}
