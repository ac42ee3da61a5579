package dev.distcache.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A copy of the built installation (the native client and bin/distcache, the link to it, server
 * command line, java.path; the jars linked) in a directory of its own, whose parts a test may break
 * or wrap.
 */
final class CopiedInstallation {
  final Path home;

  CopiedInstallation(Path home) {
    this.home = home;
    try {
      for (String part :
          List.of("target/bin/distcache", "target/server.args", "target/java.path")) {
        Files.createDirectories(home.resolve(part).getParent());
        Files.copy(
            Distcache.ROOT.resolve(part), home.resolve(part), StandardCopyOption.COPY_ATTRIBUTES);
      }
      // Without the AOT cache bin/setup may have named: it was made for the jars' own path.
      Files.writeString(home.resolve("target/server.jvm"), "");
      Path link = Files.createDirectories(home.resolve("bin")).resolve("distcache");
      Files.createSymbolicLink(link, Files.readSymbolicLink(Distcache.LAUNCHER));
      Files.createSymbolicLink(home.resolve("target/lib"), Distcache.ROOT.resolve("target/lib"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path launcher() {
    return home.resolve("bin/distcache");
  }

  Path nativeClient() {
    return home.resolve("target/bin/distcache");
  }

  /** The JVM the native client runs the Java client with. */
  CopiedInstallation withClientJava(String java) {
    Distcache.write(home.resolve("target/java.path"), java + "\n");
    return this;
  }

  /** The program the server is started with (the first word of target/server.args). */
  CopiedInstallation withServerJava(String java) {
    try {
      Path file = home.resolve("target/server.args");
      List<String> lines = new ArrayList<>(Files.readAllLines(file));
      int first = 0;
      while (lines.get(first).startsWith("#")) {
        first++;
      }
      lines.set(first, java);
      Files.write(file, lines);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JVM the server is started with, as the build recorded it. */
  static String serverJava() {
    try {
      return Files.readAllLines(Distcache.ROOT.resolve("target/server.args")).stream()
          .filter(l -> !l.startsWith("#"))
          .findFirst()
          .orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
