package dev.distcache.cli.admin;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Fills a masquerade directory with links to the distcache client (the native one), one per
 * compiler name found on a search path. Never replaces a file it did not make: a name taken by
 * anything other than a link to the client is left alone and reported.
 */
final class MasqueradeInstaller {
  /**
   * What {@link #install} did: the links it created, and the names it left alone with the reason.
   */
  record Outcome(List<String> created, List<String> warnings) {}

  private final Path client;
  private final Path launcher;
  private final List<Path> searchPath;

  /**
   * @param client the distcache client executable; links point at its real path
   * @param launcher bin/distcache: links to it, which earlier installations made (it was a script
   *     then), are pointed at {@code client} instead
   * @param searchPath the directories to look for compilers in, in PATH order
   */
  MasqueradeInstaller(Path client, Path launcher, List<Path> searchPath) {
    this.client = client;
    this.launcher = launcher;
    this.searchPath = List.copyOf(searchPath);
  }

  /**
   * Splits a PATH value into directories, skipping empty entries (which would mean the working
   * directory).
   */
  static List<Path> splitPath(String path) {
    List<Path> out = new ArrayList<>();
    for (String entry : path == null ? new String[0] : path.split(":")) {
      if (!entry.isEmpty()) {
        out.add(Path.of(entry));
      }
    }
    return out;
  }

  Outcome install(Path dir) throws AdminException {
    Path target = realPath(client, "the distcache client");
    Path former = realPath(launcher, "the distcache launcher");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new AdminException("cannot create " + dir + ": " + e.getMessage());
    }
    List<String> created = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (String name : compilerNames(realPath(dir, "the masquerade directory"), target)) {
      Path link = dir.resolve(name);
      if (Files.isSymbolicLink(link) || Files.exists(link)) {
        if (pointsTo(link, target)) {
          continue;
        }
        if (!Files.isSymbolicLink(link) || !pointsTo(link, former)) {
          warnings.add("leaving " + link + " alone: it is not a link to " + target);
          continue;
        }
      }
      try {
        Files.deleteIfExists(link); // only a link of ours to the launcher gets this far
        Files.createSymbolicLink(link, target);
      } catch (IOException e) {
        throw new AdminException("cannot create the link " + link + ": " + e.getMessage());
      }
      created.add(name + " -> " + target);
    }
    return new Outcome(created, warnings);
  }

  /**
   * The compiler names on the search path, skipping the masquerade directory and anything that is
   * distcache.
   */
  private SortedSet<String> compilerNames(Path realDir, Path realLauncher) {
    SortedSet<String> names = new TreeSet<>();
    for (Path entry : searchPath) {
      if (!Files.isDirectory(entry) || pointsTo(entry, realDir)) {
        continue;
      }
      try (DirectoryStream<Path> files = Files.newDirectoryStream(entry)) {
        for (Path file : files) {
          String name = file.getFileName().toString();
          if (CompilerNames.isCompiler(name)
              && Files.isRegularFile(file)
              && Files.isExecutable(file)
              && !isDistcache(file, realLauncher)) {
            names.add(name);
          }
        }
      } catch (IOException e) {
        // An unreadable PATH entry holds no compiler we could use either.
      }
    }
    return names;
  }

  private static boolean isDistcache(Path file, Path realLauncher) {
    try {
      Path real = file.toRealPath();
      return real.equals(realLauncher) || real.getFileName().toString().equals("distcache");
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean pointsTo(Path path, Path real) {
    try {
      return path.toRealPath().equals(real);
    } catch (IOException e) {
      return false;
    }
  }

  private static Path realPath(Path path, String what) throws AdminException {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new AdminException("cannot find " + what + " at " + path + ": " + e.getMessage());
    }
  }
}
