package dev.distcache.testing;

import java.nio.file.Path;

/**
 * The runnable layout tests run distcache from: the repository root (the system property {@code
 * distcache.root}, default {@code ..} from a module's directory), its launcher {@code
 * bin/distcache}, and {@code target/}, which the dist and cli modules fill.
 */
public final class Layout {
  public static final Path ROOT =
      Path.of(System.getProperty("distcache.root", "..")).toAbsolutePath().normalize();
  public static final Path LAUNCHER = ROOT.resolve("bin/distcache");

  private Layout() {}
}
