package dev.distcache.server.outputs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.Installation;
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
    OutputFiles.write(target, new byte[] {1, 2, 3}, 027, 022);
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count());
    }
  }

  @Test
  void write_whenTheProcessUmaskIsStricterThanTheClients_stillGivesTheClientsMode()
      throws IOException {
    Path target = dir.resolve("a.o");
    OutputFiles.write(target, new byte[] {1}, 0, Installation.umask());
    assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
  }

  @Test
  void write_overADirectory_failsAndLeavesTheDirectory() throws IOException {
    Path target = Files.createDirectory(dir.resolve("a.o"));
    assertThrows(IOException.class, () -> OutputFiles.write(target, new byte[] {1}, 022, 022));
    assertTrue(Files.isDirectory(target));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temporary file is left");
    }
  }

  @Test
  void write_overASymbolicLink_replacesTheLinkNotItsTarget() throws IOException {
    Path real = Files.writeString(dir.resolve("real.o"), "keep");
    Path link = Files.createSymbolicLink(dir.resolve("a.o"), real);
    OutputFiles.write(link, new byte[] {7}, 022, 022);
    assertEquals("keep", Files.readString(real));
    assertArrayEquals(new byte[] {7}, Files.readAllBytes(link));
    assertTrue(Files.isRegularFile(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void write_intoAMissingDirectory_failsAndLeavesNothing() {
    assertThrows(
        IOException.class,
        () -> OutputFiles.write(dir.resolve("no/such/a.o"), new byte[] {1}, 022, 022));
  }

  @Test
  void permissions_followTheUmask() {
    assertEquals("rw-r--r--", PosixFilePermissions.toString(OutputFiles.permissions(022)));
    assertEquals("rw-rw-rw-", PosixFilePermissions.toString(OutputFiles.permissions(0)));
    assertEquals("rw-------", PosixFilePermissions.toString(OutputFiles.permissions(077)));
  }

  @Test
  void write_overAFifoOrALinkToOne_failsAndLeavesThemAsTheyWere() throws Exception {
    Path fifo = dir.resolve("out.fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    assertThrows(IOException.class, () -> OutputFiles.write(fifo, new byte[] {1}, 022, 022));
    assertTrue(
        Files.readAttributes(fifo, java.nio.file.attribute.BasicFileAttributes.class).isOther());
    Path link = Files.createSymbolicLink(dir.resolve("link.o"), fifo);
    assertThrows(IOException.class, () -> OutputFiles.write(link, new byte[] {1}, 022, 022));
    assertTrue(Files.isSymbolicLink(link));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(2, s.count()); // no temporary file left
    }
  }

  @Test
  void applyUmask_leavesAnythingButARegularFileAlone() throws Exception {
    Path fifo = dir.resolve("out.fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", "-m", "666", fifo.toString()).start().waitFor());
    OutputFiles.applyUmask(fifo, 077);
    assertEquals("rw-rw-rw-", PosixFilePermissions.toString(Files.getPosixFilePermissions(fifo)));
  }
}
