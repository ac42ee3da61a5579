package dev.distcache.cache.remote;

/**
 * Opens the backend a {@code remote_storage} entry names, by its scheme: {@code redis} and {@code
 * redis+unix} ({@link RedisBackend}), {@code http} and {@code https} ({@link HttpBackend}), {@code
 * file} ({@link FileBackend}); an entry with {@code shards} becomes a {@link ShardedBackend} over
 * one backend per shard.
 */
final class Backends {
  private Backends() {}

  /**
   * @throws IllegalArgumentException for an unknown scheme or a malformed entry
   */
  static RemoteBackend open(RemoteSpec spec) {
    if (!spec.shards().isEmpty()) {
      return ShardedBackend.open(spec, Backends::openOne);
    }
    return openOne(spec);
  }

  private static RemoteBackend openOne(RemoteSpec spec) {
    return switch (spec.scheme()) {
      case "redis", "redis+unix" -> RedisBackend.open(spec);
      case "http", "https" -> HttpBackend.open(spec);
      case "file" -> FileBackend.open(spec);
      default ->
          throw new IllegalArgumentException(
              "remote storage "
                  + spec.redactedUrl()
                  + ": unknown scheme "
                  + spec.scheme()
                  + " (distcache knows redis, redis+unix, http, https and file)");
    };
  }
}
