package dev.distcache.cache.stage;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.OutputKind;
import dev.distcache.hashing.Blake3;
import dev.distcache.hashing.ResultKey;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

/** Keys and results for the stage's tests; the same name or seed always gives the same bytes. */
final class Results {
  private Results() {}

  static ResultKey key(String name) {
    return ResultKey.of(Blake3.hash(name.getBytes(StandardCharsets.UTF_8)));
  }

  /** A result whose object file is {@code size} incompressible bytes. */
  static CachedResult result(long seed, int size) {
    byte[] object = new byte[size];
    new Random(seed).nextBytes(object);
    return new CachedResult(
        Map.of(OutputKind.OBJECT, object),
        new byte[0],
        ("warning " + seed).getBytes(StandardCharsets.UTF_8),
        Map.of("seed", Long.toString(seed)));
  }
}
