package dev.distcache.cache.stage;

import dev.distcache.cache.Manifest;
import dev.distcache.hashing.ManifestKey;
import java.util.Optional;

/**
 * A tier that also keeps direct mode's manifests, so that a machine with an empty local cache gets
 * direct-mode hits from it. The local store's manifests are direct mode's own (it merges entries
 * into them under a lock); the stage asks these tiers only when the local store has none.
 */
public interface ManifestTier extends Tier {
  /** The manifest stored under {@code key}; empty when there is none. May throw as {@link #get}. */
  Optional<Manifest> getManifest(ManifestKey key);

  /** Stores (or queues) {@code manifest} under {@code key}, replacing any earlier one. */
  Stored putManifest(ManifestKey key, Manifest manifest);
}
