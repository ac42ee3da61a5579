package dev.distcache.e2e;

import dev.distcache.testing.Layout;
import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * bin/distcache with a cache directory of its own, as a user runs it. Closing it stops the server
 * that its commands started (tests start and stop their own servers). The system property {@code
 * distcache.client} picks the client that compiles: {@code native} (the default; the build must
 * have made it) or {@code java} (DISTCACHE_JAVA_CLIENT=1).
 */
final class Distcache implements AutoCloseable {
  static final Path ROOT = Layout.ROOT;
  static final Path LAUNCHER = Layout.LAUNCHER;
  static final Path NATIVE_CLIENT = ROOT.resolve("target/bin/distcache");
  static final boolean JAVA_CLIENT =
      System.getProperty("distcache.client", "native").equals("java");

  final Path cacheDir;
  final Map<String, String> env = new HashMap<>();

  Distcache(Path cacheDir) {
    this.cacheDir = cacheDir;
    System.getenv()
        .forEach((k, v) -> {
          if (!k.startsWith("DISTCACHE_") && !k.startsWith("CCACHE_")) {
            env.put(k, v);
          }
        });
    env.put("DISTCACHE_DIR", cacheDir.toString());
    env.put("LC_ALL", "C");
    if (JAVA_CLIENT) {
      env.put("DISTCACHE_JAVA_CLIENT", "1");
    } else if (!Files.isExecutable(NATIVE_CLIENT)) {
      throw new IllegalStateException(
          "the native client was not built at "
              + NATIVE_CLIENT
              + " (no C compiler?); build the project, or run with -Ddistcache.client=java");
    }
    // No remote hosts unless a test names some: otherwise this machine's /etc/distcc/hosts or
    // ~/.distcc/hosts (distcc's places, which distcache also reads) would decide.
    env.put("DISTCACHE_HOSTS", "");
  }

  /** What install-masquerade links point at: the native client, which the build made. */
  static Path masqueradeTarget() {
    return Files.isExecutable(NATIVE_CLIENT) ? NATIVE_CLIENT : LAUNCHER;
  }

  Distcache with(String key, String value) {
    env.put(key, value);
    return this;
  }

  /**
   * Direct mode on or off through the environment. As in ccache 4.7, a boolean variable set to
   * "false" is an error; off is DISTCACHE_NODIRECT.
   */
  Distcache directMode(boolean on) {
    env.remove("DISTCACHE_DIRECT");
    env.remove("DISTCACHE_DIRECT_MODE");
    if (on) {
      env.remove("DISTCACHE_NODIRECT");
    } else {
      env.put("DISTCACHE_NODIRECT", "1");
    }
    return this;
  }

  /** Takes a variable out of the environment the commands get. */
  Distcache without(String key) {
    env.remove(key);
    return this;
  }

  /** {@code distcache args...} in {@code cwd}. */
  Run run(Path cwd, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(LAUNCHER.toString());
    cmd.addAll(List.of(args));
    return Processes.run(cwd, env, cmd);
  }

  /** Any program with this cache's environment (for masquerade links, make, configure). */
  Run exec(Path cwd, String... cmd) {
    return Processes.run(cwd, env, List.of(cmd));
  }

  /** The real compiler run directly, with the same environment but no distcache involved. */
  Run direct(Path cwd, String... cmd) {
    Map<String, String> plain = new HashMap<>(env);
    plain.keySet().removeIf(k -> k.startsWith("DISTCACHE_"));
    return Processes.run(cwd, plain, List.of(cmd));
  }

  /** Counters from {@code --print-stats}, by ccache id. */
  Map<String, Long> stats() {
    Run r = run(cacheDir.getParent(), "--print-stats").ok();
    Map<String, Long> out = new HashMap<>();
    for (String line : r.out().split("\n")) {
      String[] kv = line.split("\t");
      if (kv.length == 2) {
        try {
          out.put(kv[0], Long.parseLong(kv[1].trim()));
        } catch (NumberFormatException e) {
          // Not a number (none expected); ignore.
        }
      }
    }
    return out;
  }

  long stat(String id) {
    return stats().getOrDefault(id, 0L);
  }

  /**
   * Cache hits of either mode. Whether a repeated compile is a direct or a preprocessed hit depends
   * on whether its files were older than the first compile's start (see DirectModeTest); tests of
   * other things count both.
   */
  long hits() {
    Map<String, Long> s = stats();
    return s.getOrDefault("direct_cache_hit", 0L) + s.getOrDefault("preprocessed_cache_hit", 0L);
  }

  /** The running server's pid, from {@code server status}. */
  Optional<Long> serverPid() {
    Run r = run(cacheDir.getParent(), "server", "status");
    for (String line : r.out().split("\n")) {
      String[] kv = line.split("[\t =:]+");
      if (kv.length >= 2 && kv[0].equals("pid")) {
        return Optional.of(Long.parseLong(kv[1].trim()));
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    Optional<Long> pid = serverPid();
    run(cacheDir.getParent(), "server", "stop");
    pid.flatMap(ProcessHandle::of)
        .ifPresent(h -> {
          try {
            h.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
          } catch (Exception e) {
            h.destroyForcibly();
          }
        });
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
