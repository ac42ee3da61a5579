package dev.distcache.cli.client;

import dev.distcache.core.Installation;
import java.nio.file.Path;
import java.util.Set;

/** What the native client told this JVM: the installation directory and the terminal state. */
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
    return Installation.selves(home);
  }
}
