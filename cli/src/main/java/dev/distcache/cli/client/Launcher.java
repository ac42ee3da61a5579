package dev.distcache.cli.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** What the launcher script told this JVM: the installation directory and the terminal state. */
public record Launcher(Path home, int ttys) {
  public static Launcher fromSystemProperties() {
    String home = System.getProperty("distcache.home", "");
    int ttys = 0;
    try {
      ttys = Integer.parseInt(System.getProperty("distcache.ttys", "0"));
    } catch (NumberFormatException e) {
      ttys = 0;
    }
    return new Launcher(home.isEmpty() ? null : Path.of(home), ttys);
  }

  /** The real paths of distcache's executables, which a compiler search must skip. */
  public Set<Path> selves() {
    Set<Path> out = new HashSet<>();
    if (home != null) {
      for (String name : new String[] {"bin/distcache"}) {
        try {
          out.add(home.resolve(name).toRealPath());
        } catch (IOException e) {
          // Not installed under that name.
        }
      }
    }
    return out;
  }

  /** The process's umask, from /proc (Java has no API for it); 022 when it cannot be read. */
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
