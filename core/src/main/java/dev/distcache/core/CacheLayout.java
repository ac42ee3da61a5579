package dev.distcache.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where things live in a cache directory. The socket path must fit in sockaddr_un (108 bytes), so
 * a long cache directory gets its socket under the runtime directory instead, named by a hash of
 * the cache directory so that every client of that directory finds the same socket.
 */
public record CacheLayout(Path cacheDir) {
  private static final int MAX_SOCKET_PATH = 100;

  /** The cache directory: {@code DISTCACHE_DIR}, else {@code ~/.cache/distcache}. */
  public static CacheLayout fromEnvironment(Map<String, String> env) {
    String dir = env.get("DISTCACHE_DIR");
    if (dir != null && !dir.isEmpty()) {
      return new CacheLayout(Path.of(dir).toAbsolutePath().normalize());
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return new CacheLayout(Path.of(home, ".cache", "distcache").toAbsolutePath().normalize());
  }

  public Path configFile() {
    return cacheDir.resolve("distcache.conf");
  }

  /** The RocksDB directory, owned by the local server. */
  public Path storeDir() {
    return cacheDir.resolve("store");
  }

  /** Held by whoever is starting a server, so that concurrent first uses start exactly one. */
  public Path startLock() {
    return cacheDir.resolve("server.start.lock");
  }

  /**
   * Written by a client whose start of the server failed (its time of modification is when);
   * compiles do not start another server for a minute after it; a client whose start works removes it.
   */
  public Path serverFailed() {
    return cacheDir.resolve("server.failed");
  }

  /** Held by the running server for its whole life. */
  public Path serverLock() {
    return cacheDir.resolve("server.lock");
  }

  /** The server's own log of start-up failures (its stdout and stderr). */
  public Path serverOutput() {
    return cacheDir.resolve("server.out");
  }

  public Path socket() {
    Path inDir = cacheDir.resolve("server.sock");
    if (inDir.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH) {
      return inDir;
    }
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    Path base = runtime != null && !runtime.isEmpty()
        ? Path.of(runtime)
        : Path.of(System.getProperty("java.io.tmpdir"), "distcache-" + System.getProperty("user.name"));
    return base.resolve(String.format("%016x.sock", fnv1a64(cacheDir.toString())));
  }

  private static long fnv1a64(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
