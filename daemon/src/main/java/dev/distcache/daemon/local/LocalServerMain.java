package dev.distcache.daemon.local;

import dev.distcache.cache.StoreException;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** {@code LocalServerMain CACHE_DIR}: runs the local server until idle or told to stop. */
public final class LocalServerMain {
  private LocalServerMain() {}

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: LocalServerMain CACHE_DIR");
      System.exit(2);
    }
    CacheLayout layout = new CacheLayout(Path.of(args[0]).toAbsolutePath().normalize());
    long idle;
    try {
      idle = Config.load(layout, System.getenv()).idleTimeoutSeconds();
    } catch (ConfigException e) {
      System.err.println("distcache server: " + e.getMessage() + " (using the default idle_timeout)");
      idle = 600;
    }
    LocalServer server;
    try {
      server = LocalServer.start(layout, selves(), umask());
    } catch (LocalServer.AlreadyRunningException e) {
      System.exit(0);
      return;
    } catch (IOException | StoreException e) {
      System.err.println("distcache server: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    server.serve(idle);
    System.exit(0);
  }

  private static Set<Path> selves() {
    Set<Path> out = new HashSet<>();
    String home = System.getProperty("distcache.home", "");
    if (!home.isEmpty()) {
      try {
        out.add(Path.of(home, "bin", "distcache").toRealPath());
      } catch (IOException e) {
        // No launcher there.
      }
    }
    return out;
  }

  private static int umask() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Umask:")) {
          return Integer.parseInt(line.substring(6).trim(), 8);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Fall through.
    }
    return 022;
  }
}
