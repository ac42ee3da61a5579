package dev.distcache.server.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.distcache.cache.Manifest;
import dev.distcache.hashing.ContentHash;
import dev.distcache.hashing.ManifestKey;
import dev.distcache.hashing.ResultKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which manifest entry a lookup takes, over real include files. */
class EntryMatcherTest {
  private static final ManifestKey MINE = ManifestKey.fromHex("11".repeat(32));
  private static final ManifestKey THEIRS = ManifestKey.fromHex("22".repeat(32));

  @TempDir Path cwd;

  private static ResultKey result(int n) {
    return ResultKey.fromHex(String.format("%02x", n).repeat(32));
  }

  private static long later() {
    Instant i = Instant.now().plusSeconds(1);
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private Manifest.IncludedFile file(String path, String content) {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    return new Manifest.IncludedFile(path, b.length, ContentHash.ofContent(b));
  }

  private static Manifest.Entry entry(
      int n, ManifestKey origin, boolean relocatable, Manifest.IncludedFile... files) {
    return new Manifest.Entry(List.of(files), result(n), origin, "exact-" + n, relocatable);
  }

  private Optional<ResultKey> find(Manifest m) {
    return new EntryMatcher(new FileHashes(), cwd, later())
        .find(m, MINE)
        .map(Manifest.Entry::result);
  }

  @Test
  void find_takesTheNewestEntryWhoseFilesAllMatch() throws IOException {
    Files.writeString(cwd.resolve("a.c"), "int a;\n");
    Files.writeString(cwd.resolve("h.h"), "int h;\n");
    Manifest m =
        Manifest.empty()
            .with(entry(1, MINE, false, file("a.c", "int a;\n"), file("h.h", "int h;\n")))
            .with(entry(2, MINE, false, file("a.c", "int a;\n"), file("h.h", "int H;\n")))
            .with(entry(3, MINE, false, file("a.c", "int a;\n"), file("gone.h", "int g;\n")));
    assertEquals(Optional.of(result(1)), find(m));
    Files.writeString(cwd.resolve("h.h"), "int H;\n");
    assertEquals(Optional.of(result(2)), find(m));
    Files.writeString(cwd.resolve("h.h"), "long h;\n");
    assertEquals(Optional.empty(), find(m));
    Manifest both =
        Manifest.empty()
            .with(entry(5, MINE, false, file("a.c", "int a;\n")))
            .with(entry(6, MINE, false, file("a.c", "int a;\n"), file("h.h", "long h;\n")));
    assertEquals(Optional.of(result(6)), find(both), "both match: the newer");
  }

  @Test
  void find_prefersThisOrigin_takesARelocatableEntryOfAnother_andNeverOneThatIsNot()
      throws IOException {
    Files.writeString(cwd.resolve("a.c"), "int a;\n");
    Manifest.IncludedFile a = file("a.c", "int a;\n");
    Manifest notRelocatable = Manifest.empty().with(entry(1, THEIRS, false, a));
    assertEquals(Optional.empty(), find(notRelocatable));
    Manifest relocatable = notRelocatable.with(entry(2, THEIRS, true, a));
    assertEquals(Optional.of(result(2)), find(relocatable));
    Manifest mineToo =
        Manifest.empty().with(entry(3, MINE, false, a)).with(entry(4, THEIRS, true, a));
    assertEquals(Optional.of(result(3)), find(mineToo), "this origin's entry though it is older");
  }

  @Test
  void find_matchesAnEntryNamingTheNullDevice_onlyWhileItIsTheNullDevice() throws IOException {
    Path node = cwd.resolve("null");
    Nodes.charDevice(node, 1, 3);
    Manifest m = Manifest.empty().with(entry(1, MINE, false, file("null", "")));
    assertEquals(Optional.of(result(1)), find(m));
    assertEquals(Optional.of(result(1)), find(m), "again, with its times unchanged or not");
    Files.delete(node);
    Nodes.charDevice(node, 1, 5);
    assertEquals(Optional.empty(), find(m), "another device reads other bytes");
    Files.delete(node);
    Nodes.fifo(node);
    assertEquals(Optional.empty(), find(m), "a FIFO is never read for a match");
    Files.delete(node);
    Files.writeString(node, "");
    assertEquals(Optional.of(result(1)), find(m), "an empty file has the same content");
  }
}
