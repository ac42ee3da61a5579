package dev.distcache.remote.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompilerPolicyTest {
  @TempDir Path tmp;

  private Path executable(Path p) throws Exception {
    Files.createDirectories(p.getParent());
    Files.writeString(p, "#!/bin/sh\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  @Test
  void aMasqueradeDirectory_allowsTheNamesItHolds_andIsSkippedOnThePath() throws Exception {
    Path masq = Files.createDirectories(tmp.resolve("masq"));
    Path distcc = executable(tmp.resolve("bin/distcc"));
    Files.createSymbolicLink(masq.resolve("cc9"), distcc);
    Path real = executable(tmp.resolve("real/cc9"));
    CompilerPolicy p =
        new CompilerPolicy(List.of(masq), List.of(), masq + ":" + tmp.resolve("real"));
    assertEquals("cc9", p.allowedName("cc9"));
    assertEquals(Optional.of(real), p.resolve("cc9"));
    assertTrue(
        assertThrows(JobRefused.class, () -> p.allowedName("cc8"))
            .getMessage()
            .contains("links in " + masq));
  }

  @Test
  void wrappersOnThePath_areSkipped() throws Exception {
    Path distcc = executable(tmp.resolve("w/distcc"));
    Files.createSymbolicLink(tmp.resolve("w/cc9"), distcc);
    Path real = executable(tmp.resolve("real/cc9"));
    CompilerPolicy p =
        new CompilerPolicy(List.of(), List.of("cc9"), tmp.resolve("w") + ":" + tmp.resolve("real"));
    assertEquals(Optional.of(real), p.resolve("cc9"));
    assertEquals(Optional.empty(), p.resolve("cc7"));
  }
}
