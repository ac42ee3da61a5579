package dev.distcache.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where things live in a cache directory. The socket path must fit in sockaddr_un (108 bytes), so a
 * long cache directory gets its socket in a private directory of the user instead, named by a hash
 * of the cache directory so that every client of that directory finds the same socket.
 */
public record CacheLayout(Path cacheDir) {
  private static final int MAX_SOCKET_PATH = 100;

  /**
   * Why there is no cache directory: neither {@code DISTCACHE_DIR} nor a home directory names one.
   * The native client prints the same words (server.c).
   */
  public static final String NO_HOME =
      "HOME is not set and this user has no home directory in the password database, so there is"
          + " no cache directory; set DISTCACHE_DIR (or -d) or HOME";

  /** Neither {@code DISTCACHE_DIR} nor a home directory names the cache directory. */
  public static final class NoCacheDirException extends IllegalStateException {
    NoCacheDirException() {
      super(NO_HOME);
    }
  }

  /**
   * The cache directory: {@code DISTCACHE_DIR}, else {@code ~/.cache/distcache}, where {@code ~} is
   * {@code $HOME} or, when HOME is unset or empty, the password database's home directory (as in
   * ccache).
   *
   * @throws NoCacheDirException when there is neither (a user ID without a passwd entry, HOME
   *     unset): a relative path would put a cache in whatever directory the compile runs in
   */
  public static CacheLayout fromEnvironment(Map<String, String> env) {
    String dir = env.get("DISTCACHE_DIR");
    if (dir != null && !dir.isEmpty()) {
      return new CacheLayout(Path.of(dir).toAbsolutePath().normalize());
    }
    String home = env.get("HOME");
    if (home == null || home.isEmpty()) {
      home = System.getProperty("user.home"); // getpwuid's; "?" when there is no entry
    }
    if (home == null || !home.startsWith("/")) {
      throw new NoCacheDirException();
    }
    return new CacheLayout(Path.of(home, ".cache", "distcache").normalize());
  }

  public Path configFile() {
    return cacheDir.resolve("distcache.conf");
  }

  /**
   * distcache's own host list for the users of this cache directory, written by {@code distcache
   * hosts --set} (as {@code distcc-config --set-hosts} writes distcc's); read after {@code
   * $DISTCACHE_HOSTS} and the {@code hosts} setting, before {@code /etc/distcache/hosts} and
   * distcc's places.
   */
  public Path hostsFile() {
    return cacheDir.resolve("hosts");
  }

  /**
   * The counters as plain {@code id<TAB>value} lines, written by the server (temp + rename) when
   * they change and when it stops, so that {@code -s} and {@code -z} need no server; a starting
   * server takes its counters from it.
   */
  public Path countersFile() {
    return cacheDir.resolve("counters");
  }

  /**
   * The content hashes of the files direct mode checked, with the stat each was read under: saved
   * by a stopping server, taken by the next one so that it need not read them again.
   */
  public Path fileHashes() {
    return cacheDir.resolve("file-hashes");
  }

  /** The RocksDB directory, owned by the local server. */
  public Path storeDir() {
    return cacheDir.resolve("store");
  }

  /** Held by whoever is starting a server, so that concurrent first uses start exactly one. */
  public Path startLock() {
    return runFile("server.start.lock", "start.lock");
  }

  /**
   * Written by a client whose start of the server failed (its time of modification is when);
   * compiles do not start another server for a minute after it; a client whose start works removes
   * it.
   */
  public Path serverFailed() {
    return runFile("server.failed", "failed");
  }

  /** Held by the running server for its whole life. */
  public Path serverLock() {
    return runFile("server.lock", "lock");
  }

  /** The server's own log of start-up failures (its stdout and stderr). */
  public Path serverOutput() {
    return runFile("server.out", "out");
  }

  /**
   * Whether this process runs as root and the cache directory is shared with a group other than
   * root's: set-group-ID and group-writable, as ccache's is under Portage ({@code root:portage},
   * mode 2775). Root starts no server there, so that the group's compiling user's server is never
   * kept away by one of root's (docs/integration/sharing.md).
   */
  public boolean rootInGroupCache() {
    try {
      if (((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() != 0) {
        return false;
      }
      Map<String, Object> dir = Files.readAttributes(cacheDir, "unix:mode,gid");
      int mode = ((Number) dir.get("mode")).intValue();
      int gid = ((Number) dir.get("gid")).intValue();
      int ownGid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).intValue();
      return (mode & 02000) != 0 && (mode & 0020) != 0 && gid != ownGid;
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /**
   * Whether this user may create files in the cache directory (true when it does not exist yet: the
   * server makes it). A cache directory this user cannot write, such as another user's shared
   * cache, keeps only the configuration and the store; the server's socket, locks and output then
   * go next to the socket in the user's private directory (see {@link #socket}), and the store can
   * be opened read-only.
   */
  public boolean writable() {
    return !Files.exists(cacheDir) || Files.isWritable(cacheDir);
  }

  /**
   * {@code name} in the cache directory when it is {@link #writable}, else {@code <hash>.<suffix>}
   * beside the socket; null when there is no place for the socket either.
   */
  private Path runFile(String name, String suffix) {
    if (writable()) {
      return cacheDir.resolve(name);
    }
    Path socket = socket();
    return socket == null ? null : socket.resolveSibling(hashName(suffix));
  }

  private String hashName(String suffix) {
    return String.format("%016x.%s", fnv1a64(cacheDir.toString()), suffix);
  }

  /**
   * The server's socket: {@code server.sock} in the cache directory when that path is short enough
   * and the directory {@link #writable}, else {@code <hash>.sock} in the first of these that is
   * private to this user (see {@link PrivateDir}; the last two are made, mode 0700, when missing):
   * {@code $XDG_RUNTIME_DIR}, {@code /tmp/distcache-$USER}, {@code $HOME/.cache/distcache-run}. A
   * place that another user made or can change is passed over, so that nobody else's server can
   * pose as this user's. Null when there is no such place (the clients then compile by themselves).
   */
  public Path socket() {
    Path inDir = cacheDir.resolve("server.sock");
    if (fits(inDir) && writable()) {
      return inDir;
    }
    String name = hashName("sock");
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    if (runtime != null && runtime.startsWith("/")) {
      Path dir = Path.of(runtime).normalize();
      if (fits(dir.resolve(name)) && PrivateDir.usable(dir, false)) {
        return dir.resolve(name);
      }
    }
    String home = System.getenv("HOME");
    for (Path dir :
        new Path[] {
          // /tmp as the native client has it (not java.io.tmpdir, which a JVM option could move)
          Path.of("/tmp", "distcache-" + System.getProperty("user.name")),
          Path.of(
              home != null && home.startsWith("/") ? home : System.getProperty("user.home"),
              ".cache",
              "distcache-run")
        }) {
      dir = dir.toAbsolutePath().normalize();
      if (fits(dir.resolve(name)) && PrivateDir.usable(dir, true)) {
        return dir.resolve(name);
      }
    }
    return null;
  }

  private static boolean fits(Path socket) {
    return socket.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH;
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
