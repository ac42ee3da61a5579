package dev.distcache.cache.stage;

import dev.distcache.cache.CachedResult;
import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ResultKey;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The cache stage of a compile: look up a result key in the tiers in order, compile on a miss,
 * store what the compile gave. A tier that fails is counted and reported, and then reads as a miss
 * or as a result not stored: nothing here throws because of a tier, and a failed store never
 * changes the compiler's answer. Thread-safe when its tiers and its report are.
 */
public final class ResultCache {
  private final List<Tier> tiers;
  private final CacheReport report;
  private final Policy policy;

  /** A stage over {@code tiers}, asked in that order (the local store first). */
  public ResultCache(List<Tier> tiers, CacheReport report, Policy policy) {
    this.tiers = List.copyOf(tiers);
    this.report = report;
    this.policy = policy;
  }

  /**
   * What a put may do: nothing when {@code readOnly}; evict down to {@code limits}; count {@link
   * Counter#RECACHE} for a result stored by a forced recache.
   */
  public record Policy(boolean readOnly, Tier.Limits limits, boolean recache) {
    /** Stores within {@code limits}, no recache. */
    public static Policy storing(Tier.Limits limits) {
      return new Policy(false, limits, false);
    }
  }

  /** A stored result and the tier it came from. */
  public record Hit(CachedResult result, Tier tier) {}

  /** What a compile on a miss gave: the answer for the client and the result to store, if any. */
  public record Compiled<A>(A answer, Optional<CachedResult> result) {
    /** An answer with nothing to store (the compile failed, or its result may not be cached). */
    public static <A> Compiled<A> uncached(A answer) {
      return new Compiled<>(answer, Optional.empty());
    }

    public static <A> Compiled<A> storing(A answer, CachedResult result) {
      return new Compiled<>(answer, Optional.of(result));
    }
  }

  /** Runs the real compile on a miss. */
  @FunctionalInterface
  public interface Compile<A, X extends Exception> {
    Compiled<A> run() throws X;
  }

  /**
   * The first tier's result for {@code key}; empty when no tier has one or every tier that might
   * failed. Counts each read; never throws.
   */
  public Optional<Hit> lookup(ResultKey key) {
    for (Tier tier : tiers) {
      Tier.Counters counters = tier.counters();
      try {
        Optional<CachedResult> r = tier.get(key);
        if (r.isPresent()) {
          report.count(counters.readHit());
          return Optional.of(new Hit(r.get(), tier));
        }
        report.count(counters.readMiss());
      } catch (RuntimeException e) {
        report.count(counters.readFailed());
        report.readFailed(tier, key, e);
      }
    }
    return Optional.empty();
  }

  /** Counts {@code hit} as served: a hit of its tier, a miss of the tiers asked before it. */
  public void served(Hit hit) {
    for (Tier tier : tiers) {
      if (tier == hit.tier()) {
        report.count(tier.counters().hit());
        return;
      }
      report.count(tier.counters().miss());
    }
  }

  /** Counts a compile that goes ahead without a stored result: a miss of every tier. */
  public void missed() {
    tiers.forEach(t -> report.count(t.counters().miss()));
  }

  /**
   * Stores {@code result} under {@code key} in every tier, unless the policy is read-only; true
   * when some tier stored it. A tier that fails is counted and reported; never throws.
   */
  public boolean put(ResultKey key, CachedResult result) {
    if (policy.readOnly()) {
      return false;
    }
    boolean stored = false;
    for (Tier tier : tiers) {
      try {
        if (tier.put(key, result, policy.limits())) {
          stored = true;
          report.count(tier.counters().write());
          report.stored(tier, key);
        }
      } catch (RuntimeException e) {
        report.count(tier.counters().writeFailed());
        report.storeFailed(tier, key, e);
      }
    }
    if (stored && policy.recache()) {
      report.count(Counter.RECACHE);
    }
    return stored;
  }

  /**
   * Answers from the cache when it can, else compiles and stores: looks up {@code key}; a hit that
   * {@code serve} turns into an answer is that answer; otherwise runs {@code compile}, stores the
   * result it gives (before returning, so the next lookup finds it) and returns its answer.
   */
  public <A, X extends Exception> A through(
      ResultKey key, Function<CachedResult, Optional<A>> serve, Compile<A, X> compile) throws X {
    Optional<Hit> hit = lookup(key);
    if (hit.isPresent()) {
      Optional<A> answer = serve.apply(hit.get().result());
      if (answer.isPresent()) {
        served(hit.get());
        return answer.get();
      }
    }
    missed();
    Compiled<A> done = compile.run();
    done.result().ifPresent(r -> put(key, r));
    return done.answer();
  }
}
