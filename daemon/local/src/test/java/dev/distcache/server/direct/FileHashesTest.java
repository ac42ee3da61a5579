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
  void hash_ofADirectory_fails() {
    assertThrows(IOException.class, () -> hashes.hash(dir, now()));
  }

  @Test
  void hash_ofAMissingFile_fails() {
    assertThrows(IOException.class, () -> hashes.hash(dir.resolve("gone.h"), now()));
  }
}
