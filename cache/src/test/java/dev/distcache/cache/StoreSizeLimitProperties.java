package dev.distcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.Blake3;
import dev.distcache.hashing.ResultKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever a caller does, the store's totals equal a recount of what it holds, it stays within its
 * limits after every put and cleanup, and a hit is always the last result stored under that key.
 */
class StoreSizeLimitProperties {
  private static final int KEYS = 6;

  sealed interface Action permits Put, PutAtLimit, Get, Remove, SetLimits, Cleanup, Tick, Reopen {}

  /** Puts {@code size} incompressible bytes made from {@code seed} under key number {@code key}. */
  record Put(int key, int size, long seed) implements Action {}

  /**
   * Puts a result whose encoded size is the size limit plus {@code delta} (about 1000 bytes if
   * unlimited).
   */
  record PutAtLimit(int key, int delta, long seed) implements Action {}

  record Get(int key) implements Action {}

  record Remove(int key) implements Action {}

  record SetLimits(long maxSize, long maxFiles) implements Action {}

  record Cleanup() implements Action {}

  /**
   * Moves the clock, sometimes backwards; without ticks several results share a last-use instant.
   */
  record Tick(int millis) implements Action {}

  /** Closes and reopens the store, as a server restart does; the limits are set again. */
  record Reopen() implements Action {}

  @Property(tries = 200)
  void totalsMatchARecountAndLimitsHold(
      @ForAll("limits") SetLimits initialLimits, @ForAll("actions") List<Action> actions)
      throws IOException {
    Path dir = Files.createTempDirectory("distcache-store-property");
    AtomicLong millis = new AtomicLong(Instant.parse("2030-01-01T00:00:00Z").toEpochMilli());
    InstantSource clock = () -> Instant.ofEpochMilli(millis.get());
    RocksResultStore store = RocksResultStore.open(dir, clock);
    try {
      Model model = new Model();
      for (Action action : Stream.concat(Stream.of(initialLimits), actions.stream()).toList()) {
        switch (action) {
          case Put put -> put(store, model, put.key(), result(put.size(), put.seed()));
          case PutAtLimit put -> {
            long target = (model.maxSize == 0 ? 1000 : model.maxSize) + put.delta();
            put(
                store,
                model,
                put.key(),
                result(sizeForEncodedLength(put.key(), put.seed(), target), put.seed()));
          }
          case Get get -> {
            Optional<CachedResult> hit = store.get(key(get.key()));
            hit.ifPresent(r ->
                assertEquals(model.last.get(get.key()), r, "a hit serves the last result put"));
          }
          case Remove remove -> {
            store.remove(key(remove.key()));
            model.last.remove(remove.key());
          }
          case SetLimits limits -> {
            store.setLimits(limits.maxSize(), limits.maxFiles());
            model.maxSize = limits.maxSize();
            model.maxFiles = limits.maxFiles();
            model.enforced = false;
          }
          case Cleanup cleanup -> {
            store.cleanup();
            model.enforced = true;
          }
          case Tick tick -> millis.addAndGet(tick.millis());
          case Reopen reopen -> {
            store.close();
            store = RocksResultStore.open(dir, clock);
            store.setLimits(model.maxSize, model.maxFiles);
          }
        }
        RocksResultStore.Recount recount = store.recount();
        assertEquals(List.of(), recount.indexProblems(), "after " + action);
        assertEquals(recount.sizeBytes(), store.totalSize(), "size after " + action);
        assertEquals(recount.files(), store.fileCount(), "files after " + action);
        if (model.enforced) {
          assertTrue(
              model.maxSize == 0 || store.totalSize() <= model.maxSize,
              "size " + store.totalSize() + " over " + model.maxSize + " after " + action);
          assertTrue(
              model.maxFiles == 0 || store.fileCount() <= model.maxFiles,
              "files " + store.fileCount() + " over " + model.maxFiles + " after " + action);
        }
      }
      Statistics.label("evicting cleanups")
          .collect(store.counters().getOrDefault(Counter.CLEANUPS_PERFORMED, 0L) > 0);
    } finally {
      store.close();
      deleteTree(dir);
    }
  }

  /** Puts a result and checks it is refused exactly when it alone is over the size limit. */
  private static void put(RocksResultStore store, Model model, int key, CachedResult result) {
    long encoded = EntryCodec.encode(key(key), result).length;
    boolean stored = store.put(key(key), result);
    assertEquals(
        model.maxSize == 0 || encoded <= model.maxSize,
        stored,
        "stored " + encoded + " bytes under a limit of " + model.maxSize);
    if (stored) {
      model.last.put(key, result);
      model.enforced = true;
      assertEquals(
          Optional.of(result),
          store.get(key(key)),
          "a stored result is never its own put's victim");
    }
  }

  /**
   * The object size whose result encodes to {@code target} bytes, or the nearest the search finds.
   */
  private static int sizeForEncodedLength(int key, long seed, long target) {
    int size = (int) Math.max(0, target - 100);
    for (int i = 0; i < 6; i++) {
      long encoded = EntryCodec.encode(key(key), result(size, seed)).length;
      if (encoded == target) {
        break;
      }
      size = (int) Math.max(0, size + target - encoded);
    }
    return size;
  }

  /** What the property knows without looking at the store. */
  private static final class Model {
    final Map<Integer, CachedResult> last = new HashMap<>();
    long maxSize;
    long maxFiles;

    /** False after limits change until a put or cleanup has applied them. */
    boolean enforced = true;
  }

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Integer> keys = Arbitraries.integers().between(0, KEYS - 1);
    Arbitrary<Action> put =
        Combinators.combine(keys, Arbitraries.integers().between(0, 64 * 1024), Arbitraries.longs())
            .as(Put::new);
    Arbitrary<Action> putAtLimit =
        Combinators.combine(keys, Arbitraries.integers().between(-2, 2), Arbitraries.longs())
            .as(PutAtLimit::new);
    Arbitrary<Action> get = keys.map(Get::new);
    Arbitrary<Action> remove = keys.map(Remove::new);
    Arbitrary<Action> limits = limits().map(Action.class::cast);
    Arbitrary<Action> cleanup = Arbitraries.just(new Cleanup());
    Arbitrary<Action> tick = Arbitraries.integers().between(-2000, 5000).map(Tick::new);
    return Arbitraries.frequencyOf(
            Tuple.of(6, put),
            Tuple.of(2, putAtLimit),
            Tuple.of(3, get),
            Tuple.of(1, remove),
            Tuple.of(2, limits),
            Tuple.of(1, cleanup),
            Tuple.of(3, tick),
            Tuple.of(1, Arbitraries.just(new Reopen())))
        .list()
        .ofMaxSize(30);
  }

  @Provide
  Arbitrary<SetLimits> limits() {
    Arbitrary<Long> maxSize =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just(0L)),
            Tuple.of(3, Arbitraries.longs().between(1024, 160 * 1024)));
    Arbitrary<Long> maxFiles =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just(0L)), Tuple.of(3, Arbitraries.longs().between(1, 8)));
    return Combinators.combine(maxSize, maxFiles).as(SetLimits::new);
  }

  private static ResultKey key(int number) {
    return ResultKey.of(Blake3.hash(("key " + number).getBytes(StandardCharsets.UTF_8)));
  }

  private static CachedResult result(int size, long seed) {
    byte[] object = new byte[size];
    new Random(seed).nextBytes(object);
    return new CachedResult(
        Map.of(OutputKind.OBJECT, object),
        new byte[0],
        new byte[0],
        Map.of("seed", Long.toString(seed)));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(p -> {
            try {
              Files.delete(p);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
  }
}
