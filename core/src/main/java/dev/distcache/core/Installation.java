package dev.distcache.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** Facts about this distcache installation and process that the client and the server share. */
public final class Installation {
  /**
   * The native client, relative to the installation directory; built when a C compiler was found.
   */
  public static final String NATIVE_CLIENT = "target/bin/distcache";

  /** Executables that are distcache itself, relative to the installation directory. */
  private static final String[] EXECUTABLES = {"bin/distcache", NATIVE_CLIENT};

  private Installation() {}

  /**
   * The real paths of distcache's executables under {@code home}, which a compiler search must
   * skip.
   */
  public static Set<Path> selves(Path home) {
    Set<Path> out = new HashSet<>();
    if (home == null) {
      return out;
    }
    for (String name : EXECUTABLES) {
      try {
        out.add(home.resolve(name).toRealPath());
      } catch (IOException e) {
        // Not installed under that name.
      }
    }
    return out;
  }

  /** This process's umask, from /proc (Java has no API for it); 022 when it cannot be read. */
  public static int umask() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Umask:")) {
          return Integer.parseInt(line.substring(6).trim(), 8);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Fall through to the common default.
    }
    return 022;
  }
}
