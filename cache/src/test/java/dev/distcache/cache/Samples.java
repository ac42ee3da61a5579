package dev.distcache.cache;

import dev.distcache.hashing.Blake3;
import dev.distcache.hashing.ContentHash;
import dev.distcache.hashing.ManifestKey;
import dev.distcache.hashing.ResultKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Keys and results for the cache module's tests (this package and {@code stage}); the same seed
 * always gives the same bytes.
 */
public final class Samples {
  private Samples() {}

  public static ResultKey key(String name) {
    return ResultKey.of(Blake3.hash(name.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A result whose object file is {@code size} incompressible bytes, so its encoded size tracks
   * size.
   */
  public static CachedResult result(long seed, int size) {
    byte[] object = new byte[size];
    new Random(seed).nextBytes(object);
    return new CachedResult(
        Map.of(OutputKind.OBJECT, object),
        new byte[0],
        ("warning " + seed).getBytes(StandardCharsets.UTF_8),
        Map.of("seed", Long.toString(seed)));
  }

  /** As {@link #manifestKey}, for tests in other packages. */
  public static ManifestKey manifestKeyForTests(String name) {
    return manifestKey(name);
  }

  static ManifestKey manifestKey(String name) {
    return ManifestKey.of(Blake3.hash(("manifest " + name).getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A manifest entry whose {@code files} headers (plus the source) have contents derived from
   * {@code seed}.
   */
  static Manifest.Entry entry(long seed, int files) {
    List<Manifest.IncludedFile> list = new ArrayList<>();
    list.add(
        new Manifest.IncludedFile(
            "src/foo.c",
            100,
            ContentHash.ofContent(("source " + seed).getBytes(StandardCharsets.UTF_8))));
    for (int i = 0; i < files; i++) {
      String path = "/usr/include/h" + i + ".h";
      list.add(
          new Manifest.IncludedFile(
              path,
              10 + i,
              ContentHash.ofContent((path + " " + seed % 3).getBytes(StandardCharsets.UTF_8))));
    }
    return new Manifest.Entry(
        list, key("result " + seed), manifestKey("origin"), "e".repeat(64), seed % 2 == 0);
  }

  static CachedResult typical() {
    return new CachedResult(
        Map.of(
            OutputKind.OBJECT,
                "\u007fELF object bytes \0\0\0\0\0\0\0\0\0\0\0\0\0\0"
                    .getBytes(StandardCharsets.ISO_8859_1),
            OutputKind.DEPENDENCY, "foo.o: foo.c foo.h\n".getBytes(StandardCharsets.UTF_8)),
        "compiled\n".getBytes(StandardCharsets.UTF_8),
        "foo.c:3: warning: unused variable 'x'\n".getBytes(StandardCharsets.UTF_8),
        Map.of("object_path", "foo.o", "note", "gr\u00fc\u00df \uD83D\uDE00"));
  }
}
