package dev.distcache.server.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.hashing.ContentHash;
import dev.distcache.hashing.SourceScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileHashesTest {
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dir;
  final FileHashes hashes = new FileHashes();

  private static long now() {
    Instant i = Instant.now();
    return i.getEpochSecond() * SECOND + i.getNano();
  }

  @Test
  void hash_isTheContentHash_withTheScanFlags() throws IOException {
    Path f = Files.writeString(dir.resolve("a.h"), "const char *t = __TIME__;\n");
    FileHashes.Hashed h = hashes.hash(f, now());
    assertEquals(ContentHash.ofContent(Files.readAllBytes(f)), h.hash());
    assertEquals(SourceScan.TIME_MACROS, h.flags());
    assertTrue(h.stable());
  }

  @Test
  void hash_ofAFileOlderThanTheRequest_isRemembered() throws IOException {
    Path f = Files.writeString(dir.resolve("a.h"), "int a;\n");
    hashes.hash(f, now() + SECOND);
    assertEquals(1, hashes.size());
  }

  @Test
  void hash_ofAFileChangedWithinTheSlackOfTheRequest_isNotRemembered() throws IOException {
    Path f = Files.writeString(dir.resolve("a.h"), "int a;\n");
    hashes.hash(f, now());
    assertEquals(0, hashes.size(), "a write in the same clock tick could follow unseen");
  }

  @Test
  void hash_afterARewriteKeepingSizeAndMtime_readsTheNewContent() throws IOException {
    Path f = Files.writeString(dir.resolve("a.h"), "#define V 1\n");
    FileTime mtime = Files.getLastModifiedTime(f);
    ContentHash first = hashes.hash(f, now() + SECOND).hash();
    Files.writeString(f, "#define V 2\n");
    Files.setLastModifiedTime(f, mtime);
    ContentHash second = hashes.hash(f, now() + SECOND).hash();
    assertNotEquals(first, second);
    assertEquals(ContentHash.ofContent("#define V 2\n".getBytes(StandardCharsets.UTF_8)), second);
  }

  @Test
  void savedHashes_areTrustedByTheNextServer_whileTheStatIsTheSame() throws IOException {
    Path f = Files.writeString(dir.resolve("a.h"), "int a;\n");
    FileStat stat = FileStat.of(f);
    // A hash the file's bytes do not have: returned only if the saved one is trusted unread.
    ContentHash planted = ContentHash.of(new byte[32]);
    hashes.remember(f.toString(), new FileHashes.Hashed(stat, planted, 0, true));
    Path memo = dir.resolve("file-hashes");
    hashes.save(memo);

    FileHashes next = new FileHashes();
    assertEquals(1, next.load(memo));
    assertEquals(planted, next.hash(f, now() + SECOND).hash(), "trusted without a read");

    // Another size, so that the stat differs even within one tick of the file clock (a rewrite
    // of the same size in a later tick is hash_afterARewriteKeepingSizeAndMtime_readsTheNewContent)
    Files.writeString(f, "int bb;\n");
    assertEquals(
        ContentHash.ofContent("int bb;\n".getBytes(StandardCharsets.UTF_8)),
        next.hash(f, now() + SECOND).hash(),
        "a changed file is read again");
  }

  @Test
  void savedHashes_keepTheScanFlags_andSurviveARoundTripOfManyFiles() throws IOException {
    for (int i = 0; i < 300; i++) {
      hashes.hash(
          Files.writeString(dir.resolve("h" + i + ".h"), "const char *d = __DATE__; // " + i),
          now() + SECOND);
    }
    Path memo = dir.resolve("file-hashes");
    hashes.save(memo);
    FileHashes next = new FileHashes();
    assertEquals(300, next.load(memo));
    Path h7 = dir.resolve("h7.h");
    FileHashes.Hashed h = next.hash(h7, now() + SECOND);
    assertEquals(ContentHash.ofContent(Files.readAllBytes(h7)), h.hash());
    assertEquals(SourceScan.TIME_MACROS, h.flags() & SourceScan.TIME_MACROS);
  }

  @Test
  void aDamagedTruncatedOrForeignMemo_isIgnored() throws IOException {
    Path f = Files.writeString(dir.resolve("a.h"), "int a;\n");
    hashes.remember(
        f.toString(), new FileHashes.Hashed(FileStat.of(f), ContentHash.of(new byte[32]), 0, true));
    Path memo = dir.resolve("file-hashes");
    hashes.save(memo);
    byte[] good = Files.readAllBytes(memo);
    for (int at : new int[] {3, good.length / 2, good.length - 1}) {
      byte[] bad = good.clone();
      bad[at] ^= 1;
      Files.write(memo, bad);
      assertEquals(0, new FileHashes().load(memo), "one bit flipped at " + at);
    }
    for (byte[] bad :
        new byte[][] {
          java.util.Arrays.copyOf(good, good.length - 1), new byte[0], "junk".getBytes()
        }) {
      Files.write(memo, bad);
      assertEquals(0, new FileHashes().load(memo));
    }
    assertEquals(0, new FileHashes().load(dir.resolve("none")));
    FileHashes fresh = new FileHashes();
    fresh.load(memo);
    assertEquals(
        ContentHash.ofContent("int a;\n".getBytes(StandardCharsets.UTF_8)),
        fresh.hash(f, now() + SECOND).hash(),
        "read, not taken from a damaged memo");
  }

  @Test
  void hash_ofADirectory_fails() {
    assertThrows(IOException.class, () -> hashes.hash(dir, now()));
  }

  @Test
  void hash_ofAMissingFile_fails() {
    assertThrows(IOException.class, () -> hashes.hash(dir.resolve("gone.h"), now()));
  }

  @Test
  void hash_ofTheNullDevice_isTheEmptyContent_readsNothing_andIsNotRemembered() throws IOException {
    Path n = Nodes.charDevice(dir.resolve("null"), 1, 3);
    FileHashes.Hashed h = hashes.hash(n, now() + SECOND);
    assertEquals(ContentHash.ofContent(new byte[0]), h.hash());
    assertEquals(0, h.flags());
    assertTrue(h.stable());
    assertTrue(h.stat().nullDevice());
    assertEquals(0, hashes.size());
  }

  @Test
  void hash_ofAnyOtherDeviceOrAFifo_fails_asNotARegularFile() throws IOException {
    Path zero = Nodes.charDevice(dir.resolve("zero"), 1, 5);
    Path other = Nodes.charDevice(dir.resolve("c-5-3"), 5, 3);
    Path fifo = Nodes.fifo(dir.resolve("fifo"));
    for (Path p : new Path[] {zero, other, fifo}) {
      IOException e = assertThrows(IOException.class, () -> hashes.hash(p, now() + SECOND));
      assertTrue(e.getMessage().endsWith("is not a regular file"), e.getMessage());
    }
  }
}
