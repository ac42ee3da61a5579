package dev.distcache.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.EntryCodec;
import dev.distcache.cache.OutputKind;
import dev.distcache.core.Installation;
import dev.distcache.hashing.ResultKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredResultViewTest {
  private static final ResultKey KEY = ResultKey.fromHex("ab".repeat(32));

  @TempDir Path dir;

  private static final CachedResult RESULT =
      new CachedResult(
          Map.of(
              OutputKind.DEPENDENCY, "a.o: a.c\n".getBytes(StandardCharsets.UTF_8),
              OutputKind.OBJECT, new byte[] {1, 2, 3},
              OutputKind.SPLIT_DWARF, new byte[] {4}),
          "out\n".getBytes(StandardCharsets.UTF_8),
          new byte[0],
          Map.of(CachedResult.META_NAMESPACE, "team", "dep_targets", "a.o"));

  @Test
  void describe_listsTheEntryAndItsFilesAsCcacheNamesThem_stdoutFirst_emptyStderrLeftOut() {
    assertEquals(
        "Result key: "
            + KEY.hex()
            + "\nEntry size: "
            + EntryCodec.encode(KEY, RESULT).length
            + "\nCompression type: lz4\nNamespace: team\nMeta dep_targets: a.o\n"
            + "Number of files: 4\n"
            + "Embedded file #0: <stdout> (4 bytes)\n"
            + "Embedded file #1: .o (3 bytes)\n"
            + "Embedded file #2: .d (9 bytes)\n"
            + "Embedded file #3: .dwo (1 bytes)\n",
        new StoredResultView(KEY, RESULT).describe());
  }

  @Test
  void extract_writesCcacheResultFilesWithTheClientsUmask() throws IOException {
    new StoredResultView(KEY, RESULT).extract(dir, 027, Installation.umask());

    try (var files = Files.list(dir)) {
      assertEquals(
          List.of(
              "ccache-result.d", "ccache-result.dwo", "ccache-result.o", "ccache-result.stdout"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dir.resolve("ccache-result.o")));
    assertEquals("out\n", Files.readString(dir.resolve("ccache-result.stdout")));
    assertEquals(
        "rw-r-----",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dir.resolve("ccache-result.d"))));
  }
}
