package dev.distcache.cache.remote;

import static dev.distcache.cache.remote.Values.key;
import static dev.distcache.cache.remote.Values.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBackendTest {
  private static final Duration NO_HANG = Duration.ofSeconds(15);

  @TempDir Path tmp;

  private static FileBackend open(String entry) {
    return FileBackend.open(RemoteSpec.parse(entry));
  }

  private FileBackend open(Path dir, String attributes) {
    return open("file:" + dir + attributes);
  }

  @Test
  void put_thenGet_returnsTheSameBytes_forBinaryValuesOfAnySize() {
    try (FileBackend b = open(tmp.resolve("cache"), "")) {
      byte[] everyByte = new byte[256 * 4];
      for (int i = 0; i < everyByte.length; i++) {
        everyByte[i] = (byte) i;
      }
      byte[] large = value(7, 3 * 1024 * 1024 + 5);
      b.put(key(1), everyByte, false);
      b.put(key(2), large, false);
      b.put(key(3), new byte[0], false);
      assertArrayEquals(everyByte, b.get(key(1)).orElseThrow());
      assertArrayEquals(large, b.get(key(2)).orElseThrow());
      assertArrayEquals(new byte[0], b.get(key(3)).orElseThrow());
    }
  }

  @Test
  void get_ofAKeyNeverStored_isEmpty_evenBeforeTheDirectoryExists() {
    Path dir = tmp.resolve("not/yet");
    try (FileBackend b = open(dir, "")) {
      assertEquals(Optional.empty(), b.get(key(1)));
      assertFalse(Files.exists(dir), "a read creates nothing");
      b.put(key(2), value(2, 10), false);
      assertEquals(Optional.empty(), b.get(key(1)));
    }
  }

  @Test
  void subdirsLayout_isTheDefault_firstTwoCharactersThenTheRest() throws IOException {
    Path dir = tmp.resolve("a/b/cache");
    String key = key(1);
    try (FileBackend b = open(dir, "")) {
      b.put(key, value(1, 100), false);
    }
    Path expected = dir.resolve(key.substring(0, 2)).resolve(key.substring(2));
    assertArrayEquals(value(1, 100), Files.readAllBytes(expected));
    assertEquals(List.of(expected), regularFiles(dir));
    try (FileBackend b = open(dir, "|layout=subdirs")) {
      assertEquals(expected, b.path(key));
    }
  }

  @Test
  void flatLayout_putsEveryKeyInTheDirectoryItself() throws IOException {
    Path dir = tmp.resolve("flat");
    try (FileBackend b = open(dir, "|layout=flat")) {
      b.put(key(1), value(1, 100), false);
      b.put(key(2), value(2, 100), false);
      assertArrayEquals(value(2, 100), b.get(key(2)).orElseThrow());
    }
    assertArrayEquals(value(1, 100), Files.readAllBytes(dir.resolve(key(1))));
    assertEquals(
        List.of(dir.resolve(key(1)), dir.resolve(key(2))).stream().sorted().toList(),
        regularFiles(dir));
  }

  @Test
  void putWithoutOverwrite_keepsTheFirstValue_withOverwrite_replacesIt() {
    try (FileBackend b = open(tmp, "")) {
      b.put(key(1), value(1, 50), false);
      b.put(key(1), value(2, 50), false);
      assertArrayEquals(value(1, 50), b.get(key(1)).orElseThrow());
      b.put(key(1), value(3, 70), true);
      assertArrayEquals(value(3, 70), b.get(key(1)).orElseThrow());
    }
  }

  @Test
  void umask_setsTheModesOfEveryFileAndDirectoryCreated_notTheProcessUmask() throws IOException {
    // 002 keeps group write, which the usual process umask (022) would take away.
    Path base = tmp.resolve("base");
    Path dir = base.resolve("shared");
    try (FileBackend b = open(dir, "|umask=002")) {
      b.put(key(1), value(1, 10), false);
      Path file = b.path(key(1));
      assertEquals("rw-rw-r--", mode(file));
      assertEquals("rwxrwxr-x", mode(file.getParent()));
      assertEquals("rwxrwxr-x", mode(dir));
      assertEquals("rwxrwxr-x", mode(base));
    }
    try (FileBackend b = open(tmp.resolve("private"), "|umask=077|layout=flat")) {
      b.put(key(1), value(1, 10), false);
      assertEquals("rw-------", mode(b.path(key(1))));
      assertEquals("rwx------", mode(tmp.resolve("private")));
    }
  }

  @Test
  void updateMtime_touchesAFileOnAReadHit_andOnlyWhenAsked() throws IOException {
    FileTime old = FileTime.from(Instant.parse("2001-02-03T04:05:06Z"));
    try (FileBackend plain = open(tmp, "");
        FileBackend touching = open(tmp, "|update-mtime=true")) {
      plain.put(key(1), value(1, 10), false);
      Path file = plain.path(key(1));
      Files.setLastModifiedTime(file, old);
      plain.get(key(1)).orElseThrow();
      assertEquals(old, Files.getLastModifiedTime(file), "update-mtime is off by default");
      Instant before = Instant.now().minusSeconds(2);
      touching.get(key(1)).orElseThrow();
      assertTrue(
          Files.getLastModifiedTime(file).toInstant().isAfter(before),
          "mtime after a hit: " + Files.getLastModifiedTime(file));
    }
  }

  @Test
  void aFifoPlantedAtAKeysPath_isNeitherReadNorWrittenInto() throws Exception {
    try (FileBackend b = open(tmp, "|layout=flat")) {
      Path fifo = b.path(key(1));
      new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
      assertTrue(isFifo(fifo), "mkfifo made " + fifo);
      RemoteStorageException e =
          assertTimeoutPreemptively(
              NO_HANG, () -> assertThrows(RemoteStorageException.class, () -> b.get(key(1))));
      assertFalse(e.timedOut(), e.getMessage());
      assertEquals(
          "file:"
              + tmp
              + ": cannot read "
              + fifo
              + ": it is a special file (a FIFO, a device or a socket), not a regular file",
          e.getMessage());
      assertTimeoutPreemptively(NO_HANG, () -> b.put(key(1), value(1, 10), false));
      assertTrue(isFifo(fifo), "without overwrite an existing name is kept");
      assertTimeoutPreemptively(NO_HANG, () -> b.put(key(1), value(2, 10), true));
      assertTrue(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS), "the rename replaced it");
      assertArrayEquals(value(2, 10), b.get(key(1)).orElseThrow());
    }
  }

  @Test
  void aSymlinkToDevZeroAtAKeysPath_isNotFollowed() throws Exception {
    try (FileBackend b = open(tmp, "")) {
      Path link = b.path(key(1));
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, Path.of("/dev/zero"));
      RemoteStorageException e =
          assertTimeoutPreemptively(
              NO_HANG, () -> assertThrows(RemoteStorageException.class, () -> b.get(key(1))));
      assertTrue(
          e.getMessage().contains("it is a symbolic link, not a regular file"), e.getMessage());
      b.put(key(1), value(1, 10), true);
      assertTrue(Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS), "the link was replaced");
      assertArrayEquals(value(1, 10), b.get(key(1)).orElseThrow());
    }
  }

  @Test
  void aSymlinkToAnotherFile_isNotReadThrough_andTheFileIsNotWritten() throws Exception {
    Path victim = tmp.resolve("victim");
    Files.write(victim, value(9, 30));
    try (FileBackend b = open(tmp.resolve("cache"), "|layout=flat")) {
      Path link = b.path(key(1));
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, victim);
      assertThrows(RemoteStorageException.class, () -> b.get(key(1)));
      b.put(key(1), value(1, 10), false);
      assertTrue(Files.isSymbolicLink(link), "without overwrite an existing name is kept");
      b.put(key(1), value(1, 10), true);
      assertFalse(Files.isSymbolicLink(link));
      assertArrayEquals(value(1, 10), b.get(key(1)).orElseThrow());
    }
    assertArrayEquals(value(9, 30), Files.readAllBytes(victim), "the link's target is untouched");
  }

  @Test
  void aDirectoryThatCannotBeWritten_failsThePut_namingThePath() throws Exception {
    Path dir = tmp.resolve("ro");
    try (FileBackend b = open(dir, "|layout=flat")) {
      b.put(key(1), value(1, 10), false);
      try (ReadOnly ro = ReadOnly.make(dir)) {
        RemoteStorageException e =
            assertThrows(RemoteStorageException.class, () -> b.put(key(2), value(2, 10), false));
        assertFalse(e.timedOut());
        assertTrue(
            e.getMessage().startsWith("file:" + dir + ": cannot write " + dir.resolve(key(2))),
            e.getMessage());
        assertTrue(
            e.getMessage().contains("permission denied")
                || e.getMessage().contains("operation not permitted"),
            e.getMessage());
        assertArrayEquals(value(1, 10), b.get(key(1)).orElseThrow(), "reads still work");
      }
      assertEquals(List.of(dir.resolve(key(1))), regularFiles(dir));
    }
  }

  @Test
  void aFileWhereTheSubdirectoryShouldBe_failsThePut_andReadsAsAMiss() throws IOException {
    try (FileBackend b = open(tmp, "")) {
      Path file = b.path(key(1));
      Files.write(file.getParent(), new byte[] {1});
      RemoteStorageException put =
          assertThrows(RemoteStorageException.class, () -> b.put(key(1), value(1, 10), false));
      assertEquals(
          "file:"
              + tmp
              + ": cannot write "
              + file
              + ": not a directory ("
              + file.getParent()
              + "/."
              + key(1),
          put.getMessage().replaceFirst("\\.[0-9a-f]{16}\\.tmp\\)$", ""));
      assertEquals(Optional.empty(), b.get(key(1)));
      assertArrayEquals(new byte[] {1}, Files.readAllBytes(file.getParent()), "left as it was");
    }
  }

  /**
   * A file whose open blocks, as on a hung NFS server: another process holds a write lease on it,
   * so the kernel holds every other open for up to fs.lease-break-time (45 s by default).
   */
  @Test
  void anOperationThatBlocks_timesOutAfterTheOperationTimeout() throws Exception {
    try (FileBackend b = open(tmp, "|layout=flat|operation-timeout=300")) {
      b.put(key(1), value(1, 10), false);
      Process holder =
          new ProcessBuilder(
                  "/usr/bin/python3",
                  "-c",
                  "import fcntl, os, signal, sys, time\n"
                      + "signal.signal(signal.SIGIO, signal.SIG_IGN)\n"
                      + "fd = os.open(sys.argv[1], os.O_RDWR)\n"
                      + "fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_WRLCK)\n"
                      + "print('leased', flush=True)\n"
                      + "time.sleep(60)\n",
                  b.path(key(1)).toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      try {
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("leased", out.readLine());
        RemoteStorageException e =
            assertTimeoutPreemptively(
                NO_HANG, () -> assertThrows(RemoteStorageException.class, () -> b.get(key(1))));
        assertTrue(e.timedOut(), e.getMessage());
        assertEquals(
            "file:" + tmp + ": cannot read " + b.path(key(1)) + ": no answer within 300 ms",
            e.getMessage());
      } finally {
        holder.destroyForcibly();
        holder.waitFor(10, TimeUnit.SECONDS);
      }
      assertArrayEquals(value(1, 10), b.get(key(1)).orElseThrow(), "served once it answers");
    }
  }

  @Test
  void open_readsTheUrlAsCcacheSpellsIt() {
    Path dir = tmp.resolve("d");
    try (FileBackend a = open("file:" + dir);
        FileBackend b = open("file://" + dir);
        FileBackend c = open("file://localhost" + dir);
        FileBackend d = open("file:" + tmp + "/with%20space/../d")) {
      assertEquals(dir, a.directory());
      assertEquals(dir, b.directory());
      assertEquals(dir, c.directory());
      assertEquals(dir, d.directory());
    }
  }

  @Test
  void open_refusesWhatIsNotALocalAbsoluteDirectory_orABadAttribute() {
    assertRefused("file://nas.example.com/export/cache", "names the host nas.example.com");
    assertRefused("file:relative/dir", "does not name an absolute directory");
    assertRefused("http://localhost/cache", "is not a file: URL");
    assertRefused("file:/c|layout=bazel", "layout=bazel of file:/c is not subdirs or flat");
    assertRefused("file:/c|umask=9", "umask=9 of file:/c is not an octal umask");
    assertRefused("file:/c|umask=1000", "umask=1000 of file:/c is not an octal umask");
    assertRefused("file:/c|update-mtime=yes", "update-mtime=yes of file:/c is not true or false");
  }

  @Test
  void keysThatCouldNameAnotherPath_areRefused() {
    try (FileBackend b = open(tmp, "")) {
      assertThrows(IllegalArgumentException.class, () -> b.get("../../etc/passwd"));
      assertThrows(IllegalArgumentException.class, () -> b.put("ab/../cd", new byte[1], true));
    }
  }

  @Test
  void afterClose_operationsFailAsTheBackendsError() {
    FileBackend b = open(tmp, "");
    b.close();
    b.close();
    RemoteStorageException e = assertThrows(RemoteStorageException.class, () -> b.get(key(1)));
    assertTrue(e.getMessage().endsWith("the backend is closed"), e.getMessage());
  }

  private static void assertRefused(String entry, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(entry));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  static List<Path> regularFiles(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    }
  }

  private static boolean isFifo(Path p) throws IOException {
    return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  /**
   * A directory nobody may write: mode 0555, and when this runs as root (who ignores modes) also
   * the immutable attribute, which binds root too. Undone on close.
   */
  record ReadOnly(Path dir, boolean immutable) implements AutoCloseable {
    static ReadOnly make(Path dir) throws Exception {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
      boolean immutable = false;
      if (writable(dir)) {
        Process p = new ProcessBuilder("chattr", "+i", dir.toString()).inheritIO().start();
        immutable = p.waitFor() == 0;
        if (!immutable || writable(dir)) {
          new ReadOnly(dir, immutable).close();
          throw new AssertionError(
              "cannot make " + dir + " read-only: running as root and chattr +i failed");
        }
      }
      return new ReadOnly(dir, immutable);
    }

    private static boolean writable(Path dir) {
      Path probe = dir.resolve("probe");
      try {
        Files.createFile(probe);
        Files.delete(probe);
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void close() throws Exception {
      if (immutable) {
        new ProcessBuilder("chattr", "-i", dir.toString()).inheritIO().start().waitFor();
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  static List<String> temporaryFiles(Path dir) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> all = Files.walk(dir)) {
      all.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).forEach(found::add);
    }
    return found;
  }
}
