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
   * What {@link #install} or {@link #refresh} did: the links it created, the links it removed
   * (their compiler is gone from the search path) and the names it left alone with the reason.
   */
  record Outcome(List<String> created, List<String> removed, List<String> warnings) {
    Outcome(List<String> created, List<String> warnings) {
      this(created, List.of(), warnings);
    }
  }

  private final Path client;
  private final Path launcher;
  private final List<Path> searchPath;

  /**
   * @param client the distcache client executable; links point at its real path
   * @param launcher bin/distcache: links to it, which earlier installations made (it was a script
   *     then), are pointed at {@code client} instead; an installed copy (bin/install) has none
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
    return link(dir, false);
  }

  /**
   * What {@code update-distcc-symlinks} does for distcc: links the compilers now on the search path
   * and removes the links to the client whose compiler is gone. The links are relative, so a
   * directory made under a staging root ({@code bin/install --destdir}) still works once moved into
   * place.
   */
  Outcome refresh(Path dir) throws AdminException {
    return link(dir, true);
  }

  private Outcome link(Path dir, boolean refresh) throws AdminException {
    Path target = realPath(client, "the distcache client");
    Path former = Files.exists(launcher) ? realPath(launcher, "the distcache launcher") : target;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new AdminException("cannot create " + dir + ": " + e.getMessage());
    }
    Path realDir = realPath(dir, "the masquerade directory");
    Path linkText = refresh ? realDir.relativize(target) : target;
    List<String> created = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    SortedSet<String> names = compilerNames(realDir, target);
    List<String> removed = refresh ? removeGone(dir, names, target) : List.of();
    for (String name : names) {
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
        Files.createSymbolicLink(link, linkText);
      } catch (IOException e) {
        throw new AdminException("cannot create the link " + link + ": " + e.getMessage());
      }
      created.add(name + " -> " + linkText);
    }
    return new Outcome(created, removed, warnings);
  }

  /** Removes the links in dir to the client whose names are no longer compilers on the path. */
  private static List<String> removeGone(Path dir, SortedSet<String> names, Path target)
      throws AdminException {
    List<String> removed = new ArrayList<>();
    try (DirectoryStream<Path> links = Files.newDirectoryStream(dir)) {
      for (Path link : links) {
        String name = link.getFileName().toString();
        if (Files.isSymbolicLink(link) && !names.contains(name) && pointsTo(link, target)) {
          Files.delete(link);
          removed.add(name);
        }
      }
    } catch (IOException e) {
      throw new AdminException("cannot update the links in " + dir + ": " + e.getMessage());
    }
    removed.sort(null);
    return removed;
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
