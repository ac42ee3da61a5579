package dev.distcache.server.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files a stat calls the null device: by type and device number, never by name. */
class FileStatTest {
  private static final int S_IFCHR = 0020000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFIFO = 0010000;

  @TempDir Path dir;

  /** glibc's makedev(). */
  private static long makedev(long major, long minor) {
    return ((major & 0xfffff000L) << 32)
        | ((major & 0xfffL) << 8)
        | ((minor & 0xffffff00L) << 12)
        | (minor & 0xffL);
  }

  @Test
  void isNullDevice_isACharacterDevice_major1_minor3_only() {
    assertTrue(FileStat.isNullDevice(S_IFCHR | 0666, makedev(1, 3)));
    assertEquals(0x103L, makedev(1, 3));
    assertFalse(FileStat.isNullDevice(S_IFCHR | 0666, makedev(1, 5)), "/dev/zero");
    assertFalse(FileStat.isNullDevice(S_IFCHR | 0666, makedev(1, 8)), "/dev/random");
    assertFalse(FileStat.isNullDevice(S_IFCHR | 0666, makedev(5, 3)));
    assertFalse(FileStat.isNullDevice(S_IFCHR | 0666, makedev(1, 3 + 256)), "high minor bits");
    assertFalse(FileStat.isNullDevice(S_IFCHR | 0666, makedev(1 + 4096, 3)), "high major bits");
    assertFalse(FileStat.isNullDevice(S_IFBLK | 0666, makedev(1, 3)), "a block device 1,3");
    assertFalse(FileStat.isNullDevice(S_IFIFO | 0666, makedev(1, 3)));
    assertFalse(FileStat.isNullDevice(0100644, makedev(1, 3)), "a regular file");
  }

  @Test
  void of_aNullDeviceNode_whateverItsName_isTheNullDevice_withNoContent() throws IOException {
    FileStat s = FileStat.of(Nodes.charDevice(dir.resolve("my-null"), 1, 3));
    assertTrue(s.nullDevice());
    assertFalse(s.regular());
    assertEquals(0, s.contentSize());
  }

  @Test
  void of_otherNodes_areNeitherRegularNorTheNullDevice() throws IOException {
    for (FileStat s :
        new FileStat[] {
          FileStat.of(Nodes.charDevice(dir.resolve("zero"), 1, 5)),
          FileStat.of(Nodes.fifo(dir.resolve("fifo"))),
          FileStat.of(dir)
        }) {
      assertFalse(s.nullDevice(), s.toString());
      assertFalse(s.regular(), s.toString());
    }
    FileStat file = FileStat.of(Files.writeString(dir.resolve("a.h"), "int a;\n"));
    assertTrue(file.regular());
    assertFalse(file.nullDevice());
    assertEquals(7, file.contentSize());
  }
}
