package dev.distcache.daemon.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {
  @TempDir Path dir;

  @Test
  void write_replacesTheFileWithTheUmasksMode_andLeavesNoTemporaryFile() throws IOException {
    Path target = dir.resolve("a.o");
    Files.writeString(target, "old");
    OutputFiles.write(target, new byte[] {1, 2, 3}, 027);
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count());
    }
  }

  @Test
  void write_intoAMissingDirectory_failsAndLeavesNothing() {
    assertThrows(IOException.class, () -> OutputFiles.write(dir.resolve("no/such/a.o"), new byte[] {1}, 022));
  }

  @Test
  void permissions_followTheUmask() {
    assertEquals("rw-r--r--", PosixFilePermissions.toString(OutputFiles.permissions(022)));
    assertEquals("rw-rw-rw-", PosixFilePermissions.toString(OutputFiles.permissions(0)));
    assertEquals("rw-------", PosixFilePermissions.toString(OutputFiles.permissions(077)));
  }
}
