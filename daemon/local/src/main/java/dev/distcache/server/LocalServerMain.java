package dev.distcache.server;

import dev.distcache.cache.StoreException;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.Installation;
import dev.distcache.core.config.Config;
import java.io.IOException;
import java.nio.file.Path;

/** {@code LocalServerMain CACHE_DIR}: runs the local server until idle or told to stop. */
public final class LocalServerMain {
  private LocalServerMain() {}

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: LocalServerMain CACHE_DIR");
      System.exit(2);
    }
    CacheLayout layout = new CacheLayout(Path.of(args[0]).toAbsolutePath().normalize());
    long idle = Config.load(layout, System.getenv()).idleTimeoutSeconds();
    LocalServer server;
    try {
      String home = System.getProperty("distcache.home", "");
      server =
          LocalServer.start(
              layout,
              Installation.selves(home.isEmpty() ? null : Path.of(home)),
              Installation.umask());
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
}
