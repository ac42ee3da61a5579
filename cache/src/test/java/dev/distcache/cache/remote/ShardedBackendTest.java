package dev.distcache.cache.remote;

import static dev.distcache.cache.remote.Values.key;
import static dev.distcache.cache.remote.Values.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.cache.remote.ShardedBackend.Shard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShardedBackendTest {
  private static final int KEYS = 20_000;
  private static final double TOLERANCE = 0.015; // over four standard deviations at 20k keys

  /** Shards of these names and weights, each over a fresh in-memory backend. */
  private static ShardedBackend sharded(Map<String, Double> weights) {
    List<Shard> shards = new ArrayList<>();
    weights.forEach((name, w) -> shards.add(new Shard(name, w, new MapBackend())));
    return new ShardedBackend(shards);
  }

  private static Map<String, Double> weights(Object... nameWeight) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < nameWeight.length; i += 2) {
      m.put((String) nameWeight[i], ((Number) nameWeight[i + 1]).doubleValue());
    }
    return m;
  }

  /** The share of {@link #KEYS} keys each shard holds. */
  private static Map<String, Double> shares(ShardedBackend b) {
    Map<String, Double> shares = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      shares.merge(b.shardFor(key(i)).name(), 1.0 / KEYS, Double::sum);
    }
    return shares;
  }

  @Test
  void eachKeyIsStoredOnTheOneShardItHashesTo_andReadFromThere() {
    ShardedBackend b = sharded(weights("a", 1, "b", 1, "c", 1));
    for (int i = 0; i < 300; i++) {
      b.put(key(i), value(i, 20), false);
    }
    int total = 0;
    for (Shard s : b.shards()) {
      Map<String, byte[]> held = ((MapBackend) s.backend()).values;
      total += held.size();
      held.keySet().forEach(k -> assertSame(s, b.shardFor(k), k));
      assertTrue(held.size() > 50, s.name() + " holds " + held.size() + " of 300");
    }
    assertEquals(300, total, "each key stored once");
    for (int i = 0; i < 300; i++) {
      assertArrayEquals(value(i, 20), b.get(key(i)).orElseThrow());
    }
    assertEquals(Optional.empty(), b.get(key(300)));
  }

  @Test
  void theSameKeyGoesToTheSameShard_inAnotherInstance_whateverTheOrderOfTheList() {
    ShardedBackend one = sharded(weights("redis1", 1, "redis2", 2, "redis3", 0.5));
    ShardedBackend other = sharded(weights("redis3", 0.5, "redis1", 1, "redis2", 2));
    for (int i = 0; i < 2000; i++) {
      assertEquals(one.shardFor(key(i)).name(), other.shardFor(key(i)).name(), key(i));
      assertEquals(one.shardFor(key(i)).name(), one.shardFor(key(i)).name());
    }
  }

  @Test
  void aShardOfWeightW_holdsWOverTheSumOfTheKeys() {
    Map<String, Double> shares = shares(sharded(weights("a", 1, "b", 2, "c", 0.5)));
    assertEquals(1 / 3.5, shares.get("a"), TOLERANCE, shares.toString());
    assertEquals(2 / 3.5, shares.get("b"), TOLERANCE, shares.toString());
    assertEquals(0.5 / 3.5, shares.get("c"), TOLERANCE, shares.toString());
  }

  @Test
  void equalWeights_shareTheKeysEqually() {
    Map<String, Double> shares = shares(sharded(weights("w", 1, "x", 1, "y", 1, "z", 1)));
    shares.values().forEach(s -> assertEquals(0.25, s, TOLERANCE, shares.toString()));
  }

  @Test
  void addingAShard_movesOnlyKeysToTheNewShard_aboutOneInN() {
    ShardedBackend four = sharded(weights("a", 1, "b", 1, "c", 1, "d", 1));
    ShardedBackend five = sharded(weights("a", 1, "b", 1, "c", 1, "d", 1, "e", 1));
    int moved = 0;
    for (int i = 0; i < KEYS; i++) {
      String before = four.shardFor(key(i)).name();
      String after = five.shardFor(key(i)).name();
      if (!before.equals(after)) {
        assertEquals("e", after, key(i) + " moved from " + before + " to another old shard");
        moved++;
      }
    }
    assertEquals(0.2, moved / (double) KEYS, TOLERANCE);
  }

  @Test
  void removingAShard_movesOnlyTheKeysItHeld() {
    ShardedBackend three = sharded(weights("a", 1, "b", 2, "c", 1));
    ShardedBackend two = sharded(weights("a", 1, "c", 1));
    for (int i = 0; i < KEYS; i++) {
      String before = three.shardFor(key(i)).name();
      if (!before.equals("b")) {
        assertEquals(before, two.shardFor(key(i)).name(), key(i));
      }
    }
  }

  @Test
  void aFailingShard_failsTheOperationsOfItsKeys() {
    RemoteBackend down =
        new MapBackend() {
          @Override
          public Optional<byte[]> get(String key) {
            throw new RemoteStorageException("redis://down: connection refused", false);
          }
        };
    ShardedBackend b =
        new ShardedBackend(
            List.of(new Shard("down", 1, down), new Shard("up", 1, new MapBackend())));
    int failed = 0;
    for (int i = 0; i < 100; i++) {
      String k = key(i);
      if (b.shardFor(k).name().equals("down")) {
        assertThrows(RemoteStorageException.class, () -> b.get(k));
        failed++;
      } else {
        assertEquals(Optional.empty(), b.get(k));
      }
    }
    assertTrue(failed > 20 && failed < 80, failed + " of 100 keys on the failing shard");
  }

  @Test
  void close_closesEveryShard_evenWhenOneThrows() {
    MapBackend first = new MapBackend();
    MapBackend last = new MapBackend();
    RemoteBackend throwing =
        new MapBackend() {
          @Override
          public void close() {
            throw new IllegalStateException("broken close");
          }
        };
    ShardedBackend b =
        new ShardedBackend(
            List.of(
                new Shard("a", 1, first), new Shard("b", 1, throwing), new Shard("c", 1, last)));
    b.close();
    assertTrue(first.closed);
    assertTrue(last.closed);
  }

  @Test
  void open_makesOneBackendPerShard_fromTheUrlWithTheShardsName() {
    RemoteSpec spec =
        RemoteSpec.parse("redis://cache-*.example:6379|shards=a,b(2),c(0.5)|read-only=true");
    List<RemoteSpec> opened = new ArrayList<>();
    ShardedBackend b =
        ShardedBackend.open(
            spec,
            s -> {
              opened.add(s);
              return new MapBackend();
            });
    assertEquals(
        List.of(
            "redis://cache-a.example:6379",
            "redis://cache-b.example:6379",
            "redis://cache-c.example:6379"),
        opened.stream().map(RemoteSpec::url).toList());
    opened.forEach(s -> assertEquals(Map.of("read-only", "true"), s.attributes()));
    assertEquals(
        List.of("a 1.0", "b 2.0", "c 0.5"),
        b.shards().stream().map(s -> s.name() + " " + s.weight()).toList());
  }

  @Test
  void open_whenAShardCannotBeOpened_closesThoseAlreadyOpen() {
    RemoteSpec spec = RemoteSpec.parse("file:/cache/*|shards=a,b");
    List<MapBackend> opened = new ArrayList<>();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ShardedBackend.open(
                    spec,
                    s -> {
                      if (s.url().endsWith("/b")) {
                        throw new IllegalArgumentException("bad shard " + s.url());
                      }
                      MapBackend m = new MapBackend();
                      opened.add(m);
                      return m;
                    }));
    assertEquals("bad shard file:/cache/b", e.getMessage());
    assertEquals(1, opened.size());
    assertTrue(opened.get(0).closed);
  }

  @Test
  void refuses_noShards_twoOfOneName_aWeightThatIsNotPositive() {
    assertThrows(IllegalArgumentException.class, () -> new ShardedBackend(List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ShardedBackend(
                List.of(new Shard("a", 1, new MapBackend()), new Shard("a", 2, new MapBackend()))));
    assertThrows(IllegalArgumentException.class, () -> new Shard("a", 0, new MapBackend()));
    assertThrows(
        IllegalArgumentException.class, () -> new Shard("a", Double.NaN, new MapBackend()));
    assertThrows(
        IllegalArgumentException.class,
        () -> ShardedBackend.open(RemoteSpec.parse("file:/c"), s -> new MapBackend()));
  }
}
