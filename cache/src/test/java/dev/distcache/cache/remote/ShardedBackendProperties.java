package dev.distcache.cache.remote;

import dev.distcache.cache.remote.ShardedBackend.Shard;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Rendezvous hashing's promises, for any shards and any key: where a key goes depends only on the
 * shards' names and weights (not on their order or on the instance), and the shard a key goes to
 * still gets it when any of the other shards is taken away.
 */
class ShardedBackendProperties {
  @Provide
  Arbitrary<List<Double>> weights() {
    return Arbitraries.doubles().between(0.01, 100).list().ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
  }

  @Property(tries = 300)
  boolean aKeysShard_dependsOnlyOnTheShardsNamesAndWeights(
      @ForAll("weights") List<Double> weights, @ForAll("keys") String key, @ForAll long seed) {
    List<Shard> shards = shards(weights);
    List<Shard> shuffled = shards(weights);
    Collections.shuffle(shuffled, new Random(seed));
    return new ShardedBackend(shards)
        .shardFor(key)
        .name()
        .equals(new ShardedBackend(shuffled).shardFor(key).name());
  }

  @Property(tries = 300)
  boolean aKeysShard_keepsItWhenAnotherShardIsRemoved(
      @ForAll("weights") List<Double> weights, @ForAll("keys") String key, @ForAll long seed) {
    List<Shard> shards = shards(weights);
    Shard chosen = new ShardedBackend(shards).shardFor(key);
    List<Shard> fewer = new ArrayList<>(shards);
    Random random = new Random(seed);
    fewer.removeIf(s -> s != chosen && random.nextBoolean());
    return new ShardedBackend(fewer).shardFor(key) == chosen;
  }

  private static List<Shard> shards(List<Double> weights) {
    List<Shard> shards = new ArrayList<>();
    for (int i = 0; i < weights.size(); i++) {
      shards.add(new Shard("shard" + i, weights.get(i), new MapBackend()));
    }
    return shards;
  }
}
