package dev.distcache.cache.remote;

import dev.distcache.hashing.Blake3;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One remote storage entry spread over several servers, as ccache's {@code shards=a,b(2),c(0.5)}
 * spreads it: each key lives on exactly one shard, chosen by rendezvous (highest random weight)
 * hashing. Every shard scores the key, {@code -weight / ln(u)} with {@code u} in (0, 1) drawn from
 * BLAKE3 of the shard's name and the key, and the highest score wins. So a shard of weight {@code
 * w} holds {@code w/S} of the keys ({@code S} the sum of the weights), every client that lists the
 * same shards agrees on where a key is without talking to the others, and adding a shard moves only
 * the keys the new shard wins (about {@code w_new/S} of them) while removing one moves only the
 * keys it held. Thread-safe when its shards are.
 */
public final class ShardedBackend implements RemoteBackend {
  /**
   * One shard.
   *
   * @param name what identifies the shard in the hash (what replaced the URL's {@code *})
   * @param weight its share of the keys relative to the others; positive
   * @param backend the server
   */
  public record Shard(String name, double weight, RemoteBackend backend) {
    public Shard {
      if (!(weight > 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("shard " + name + " has weight " + weight);
      }
    }
  }

  private static final double TWO_POW_53 = 0x1p53;

  private final List<Shard> shards;

  /**
   * @throws IllegalArgumentException when {@code shards} is empty or two have the same name
   */
  public ShardedBackend(List<Shard> shards) {
    if (shards.isEmpty()) {
      throw new IllegalArgumentException("a sharded remote storage needs at least one shard");
    }
    HashSet<String> names = new HashSet<>();
    for (Shard s : shards) {
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("shard " + s.name() + " is listed twice");
      }
    }
    this.shards = List.copyOf(shards);
  }

  /**
   * One backend per shard of {@code spec}, each opened by {@code opener} from {@link
   * RemoteSpec#forShard}. When one cannot be opened, those already opened are closed.
   *
   * @throws IllegalArgumentException when {@code spec} has no shards, or what {@code opener} throws
   *     for a shard
   */
  public static ShardedBackend open(RemoteSpec spec, Function<RemoteSpec, RemoteBackend> opener) {
    List<RemoteSpec.Shard> specShards = spec.shards();
    if (specShards.isEmpty()) {
      throw new IllegalArgumentException(
          "remote storage URL " + spec.url() + " has no shards attribute");
    }
    List<Shard> shards = new ArrayList<>();
    try {
      for (RemoteSpec.Shard s : specShards) {
        shards.add(new Shard(s.name(), s.weight(), opener.apply(spec.forShard(s))));
      }
      return new ShardedBackend(shards);
    } catch (RuntimeException e) {
      shards.forEach(s -> closeQuietly(s.backend()));
      throw e;
    }
  }

  /** The shards, in the order given. */
  public List<Shard> shards() {
    return shards;
  }

  /** The shard that holds {@code key}: the one with the highest score (the first on a tie). */
  public Shard shardFor(String key) {
    Shard best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (Shard s : shards) {
      double score = score(s, key);
      if (score > bestScore) {
        best = s;
        bestScore = score;
      }
    }
    return best;
  }

  @Override
  public Optional<byte[]> get(String key) {
    return shardFor(key).backend().get(key);
  }

  @Override
  public void put(String key, byte[] value, boolean overwrite) {
    shardFor(key).backend().put(key, value, overwrite);
  }

  /** Closes every shard, even when one of them throws. */
  @Override
  public void close() {
    shards.forEach(s -> closeQuietly(s.backend()));
  }

  /** {@code -weight / ln(u)}, {@code u} uniform in (0, 1) from BLAKE3(name, 0, key). */
  static double score(Shard shard, String key) {
    byte[] digest = new Blake3().update(shard.name()).update(new byte[] {0}).update(key).digest();
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (digest[i] & 0xff);
    }
    double u = ((bits >>> 11) + 0.5) / TWO_POW_53; // never 0, never 1
    return -shard.weight() / Math.log(u);
  }

  private static void closeQuietly(RemoteBackend backend) {
    try {
      backend.close();
    } catch (RuntimeException e) {
      // close never throws by contract; one that does must not keep the others open
    }
  }
}
