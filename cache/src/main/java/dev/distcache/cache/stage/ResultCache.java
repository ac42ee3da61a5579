package dev.distcache.cache.stage;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.Manifest;
import dev.distcache.core.process.Cancellation;
import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ManifestKey;
import dev.distcache.hashing.ResultKey;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The cache stage of a compile: look up a result key in the tiers in order (the local store, then
 * each remote storage), compile on a miss, store what the compile gave in every tier. A hit from a
 * later tier is copied into the tiers before it, so the next lookup is local. A tier that fails is
 * counted and reported, and then reads as a miss or as a result not stored: nothing here throws
 * because of a tier, and a failed store never changes the compiler's answer. A tier that is backed
 * off ({@link Tier#available()} false) is skipped. Thread-safe when its tiers and its report are.
 */
public final class ResultCache {
  private final List<Tier> tiers;
  private final CacheReport report;
  private final Policy policy;

  /** A stage over {@code tiers}, asked in that order (the local store first, when there is one). */
  public ResultCache(List<Tier> tiers, CacheReport report, Policy policy) {
    this.tiers = List.copyOf(tiers);
    this.report = report;
    this.policy = policy;
  }

  /**
   * What a put may do: nothing when {@code readOnly}; evict down to {@code limits}; count {@link
   * Counter#RECACHE} for a result stored by a forced recache; with {@code reshare}, a hit of the
   * first tier is written to the later ones too (ccache's {@code reshare}).
   */
  public record Policy(boolean readOnly, Tier.Limits limits, boolean recache, boolean reshare) {
    /** Stores within {@code limits}, no recache, no reshare. */
    public static Policy storing(Tier.Limits limits) {
      return new Policy(false, limits, false, false);
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
      if (!tier.available()) {
        continue;
      }
      Tier.Counters counters = tier.counters();
      try {
        Optional<CachedResult> r = tier.get(key);
        if (r.isPresent()) {
          report.count(counters.readHit());
          return Optional.of(new Hit(r.get(), tier));
        }
        report.count(counters.readMiss());
      } catch (RuntimeException e) {
        report.count(tier.failureCounter(e, true));
        report.readFailed(tier, key, e);
      }
    }
    return Optional.empty();
  }

  /**
   * Counts {@code hit} as served: a hit of its tier, a miss of the tiers asked before it; then
   * copies it into those tiers (a remote hit is kept locally) and, with {@code reshare}, a hit of
   * the first tier into the others.
   */
  public void served(ResultKey key, Hit hit) {
    int at = tiers.indexOf(hit.tier());
    for (int i = 0; i < at; i++) {
      if (tiers.get(i).available()) {
        report.count(tiers.get(i).counters().miss());
      }
    }
    report.count(hit.tier().counters().hit());
    report.answered(hit.tier());
    if (policy.readOnly()) {
      return;
    }
    for (int i = 0; i < tiers.size(); i++) {
      if (i < at || (policy.reshare() && at == 0 && i > 0)) {
        store(tiers.get(i), key, hit.result());
      }
    }
  }

  /** Counts a compile that goes ahead without a stored result: a miss of every tier asked. */
  public void missed() {
    for (Tier t : tiers) {
      if (t.available()) {
        report.count(t.counters().miss());
      }
    }
    if (!tiers.isEmpty()) {
      report.answered(null);
    }
  }

  /**
   * Stores {@code result} under {@code key} in every tier, unless the policy is read-only; true
   * when some tier stored or queued it. A tier that fails is counted and reported; never throws.
   */
  public boolean put(ResultKey key, CachedResult result) {
    if (policy.readOnly()) {
      return false;
    }
    boolean stored = false;
    for (Tier tier : tiers) {
      stored |= store(tier, key, result);
    }
    if (stored && policy.recache()) {
      report.count(Counter.RECACHE);
    }
    return stored;
  }

  private boolean store(Tier tier, ResultKey key, CachedResult result) {
    if (!tier.available()) {
      return false;
    }
    try {
      Tier.Stored stored = tier.put(key, result, policy.limits());
      if (stored == Tier.Stored.STORED) {
        report.count(tier.counters().write());
      }
      if (stored != Tier.Stored.NOT_STORED) {
        report.stored(tier, key);
        return true;
      }
    } catch (RuntimeException e) {
      report.count(tier.failureCounter(e, false));
      report.storeFailed(tier, key, e);
    }
    return false;
  }

  /**
   * The manifest under {@code key} from the first tier that keeps manifests and has it (the local
   * store's manifests are direct mode's own and are not asked here); counted as that tier's reads.
   */
  public Optional<Manifest> sharedManifest(ManifestKey key) {
    for (Tier tier : tiers) {
      if (!(tier instanceof ManifestTier m) || !tier.available()) {
        continue;
      }
      try {
        Optional<Manifest> found = m.getManifest(key);
        report.count(found.isPresent() ? tier.counters().readHit() : tier.counters().readMiss());
        if (found.isPresent()) {
          report.manifestFound(tier, key);
          return found;
        }
      } catch (RuntimeException e) {
        report.count(tier.failureCounter(e, true));
        report.manifestFailed(tier, key, e);
      }
    }
    return Optional.empty();
  }

  /** Writes (or queues) {@code manifest} to every tier that keeps manifests, unless read-only. */
  public void shareManifest(ManifestKey key, Manifest manifest) {
    if (policy.readOnly()) {
      return;
    }
    for (Tier tier : tiers) {
      if (!(tier instanceof ManifestTier m) || !tier.available()) {
        continue;
      }
      try {
        if (m.putManifest(key, manifest) == Tier.Stored.STORED) {
          report.count(tier.counters().write());
        }
      } catch (RuntimeException e) {
        report.count(tier.failureCounter(e, false));
        report.manifestFailed(tier, key, e);
      }
    }
  }

  /** True when the policy stores nothing ({@code read_only}). */
  public boolean readOnly() {
    return policy.readOnly();
  }

  /** True when some tier keeps manifests besides the local store. */
  public boolean sharesManifests() {
    return tiers.stream().anyMatch(t -> t instanceof ManifestTier);
  }

  /**
   * Answers from the cache when it can, else compiles and stores: looks up {@code key}; a hit that
   * {@code serve} turns into an answer is that answer; otherwise runs {@code compile}, stores the
   * result it gives (before returning, so the next lookup finds it) and returns its answer.
   */
  public <A, X extends Exception> A through(
      ResultKey key, Function<CachedResult, Optional<A>> serve, Compile<A, X> compile) throws X {
    Optional<A> answer = answerFromCache(key, serve);
    if (answer.isPresent()) {
      return answer.get();
    }
    return compiled(key, compile);
  }

  /**
   * As {@link #through(ResultKey, Function, Compile)}, with one compile of a key at a time among
   * the requests that share {@code inFlight}: on a miss while another request compiles the same
   * key, waits for it and answers from the result it stored, counted as {@link
   * Counter#DEDUPLICATED_COMPILE}; when it stored none (it failed, or its result may not be
   * cached), compiles after all.
   *
   * @throws Cancellation.CancelledException when {@code cancelled} says the client went away during
   *     a wait
   */
  public <A, X extends Exception> A through(
      ResultKey key,
      Function<CachedResult, Optional<A>> serve,
      Compile<A, X> compile,
      InFlight inFlight,
      BooleanSupplier cancelled)
      throws X, Cancellation.CancelledException {
    Optional<A> answer = answerFromCache(key, serve);
    if (answer.isPresent()) {
      return answer.get();
    }
    InFlight.Claim claim;
    while ((claim = inFlight.claim(key)) == null) {
      inFlight.awaitRelease(key, cancelled);
      answer = answerFromCache(key, serve);
      if (answer.isPresent()) {
        report.count(Counter.DEDUPLICATED_COMPILE);
        return answer.get();
      }
    }
    try (InFlight.Claim held = claim) {
      return compiled(key, compile);
    }
  }

  /** The answer {@code serve} makes of the stored result for {@code key}, counted as served. */
  private <A> Optional<A> answerFromCache(
      ResultKey key, Function<CachedResult, Optional<A>> serve) {
    Optional<Hit> hit = lookup(key);
    if (hit.isPresent()) {
      Optional<A> answer = serve.apply(hit.get().result());
      if (answer.isPresent()) {
        served(key, hit.get());
        return answer;
      }
    }
    return Optional.empty();
  }

  /** Counts the miss, compiles, and stores what the compile gave. */
  private <A, X extends Exception> A compiled(ResultKey key, Compile<A, X> compile) throws X {
    missed();
    Compiled<A> done = compile.run();
    done.result().ifPresent(r -> put(key, r));
    return done.answer();
  }
}
