package dev.distcache.cache.remote;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory backend for unit tests of what sits above backends: a map, and a closed flag. */
class MapBackend implements RemoteBackend {
  final Map<String, byte[]> values = new ConcurrentHashMap<>();
  volatile boolean closed;

  @Override
  public Optional<byte[]> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  @Override
  public void put(String key, byte[] value, boolean overwrite) {
    if (overwrite) {
      values.put(key, value);
    } else {
      values.putIfAbsent(key, value);
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
