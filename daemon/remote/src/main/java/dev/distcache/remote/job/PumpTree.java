package dev.distcache.remote.job;

import dev.distcache.distribute.distcc.PumpFile;
import dev.distcache.remote.policy.JobRefused;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Recreates a pump-mode client's files under the job's root. The client names every file by its
 * absolute path and never chooses where the daemon writes: a NAME or CDIR must be absolute without
 * {@code .} or {@code ..} components; nothing is written through a symbolic link; a LINK target
 * must be relative and without {@code ..}, so every link points downwards, inside the root. The one
 * exception is the include server's own link from a system include directory to the same directory
 * on the server ({@code /usr/include -> ../../../usr/include}, more {@code ..} than the name has
 * components): it is skipped rather than created, since the daemon's compiler finds its system
 * headers at their real paths anyway.
 */
final class PumpTree {
  private PumpTree() {}

  /** What {@link #materialize} would refuse, checked before anything is written. */
  static void check(String cwd, List<PumpFile> files) throws JobRefused {
    checkCwd(cwd);
    for (PumpFile f : files) {
      checkName(f.name());
      if (f instanceof PumpFile.Link l) {
        linkTarget(l);
      }
    }
  }

  /**
   * Creates the client's working directory and files under {@code root} (an existing, empty
   * directory).
   */
  static void materialize(Path root, String cwd, List<PumpFile> files)
      throws JobRefused, IOException {
    check(cwd, files);
    directories(root, cwd);
    for (PumpFile f : files) {
      String name = f.name();
      int slash = name.lastIndexOf('/');
      Path parent = directories(root, name.substring(0, slash));
      Path target = parent.resolve(name.substring(slash + 1));
      try {
        switch (f) {
          case PumpFile.Regular r ->
              Files.write(
                  target,
                  r.content(),
                  StandardOpenOption.CREATE_NEW,
                  StandardOpenOption.WRITE,
                  LinkOption.NOFOLLOW_LINKS);
          case PumpFile.Link l -> {
            String link = linkTarget(l);
            if (link != null) {
              Files.createSymbolicLink(target, Path.of(link));
            }
          }
        }
      } catch (FileAlreadyExistsException e) {
        throw new JobRefused(
            "NAME " + name + " is sent twice, or names one of its own directories");
      }
    }
  }

  /** The client's working directory must be an absolute, normalized path. */
  static void checkCwd(String cwd) throws JobRefused {
    if (!cwd.startsWith("/") || hasDots(cwd)) {
      throw new JobRefused(
          "CDIR \"" + cwd + "\" must be an absolute path without . or .. components");
    }
  }

  private static void checkName(String name) throws JobRefused {
    if (!name.startsWith("/") || name.endsWith("/") || hasDots(name)) {
      throw new JobRefused(
          "NAME \"" + name + "\" must be an absolute file path without . or .. components");
    }
  }

  /**
   * The target to create, null for the include server's system-directory link, or why it is
   * refused.
   */
  private static String linkTarget(PumpFile.Link l) throws JobRefused {
    String t = l.target();
    if (t.isEmpty() || t.startsWith("/")) {
      throw new JobRefused(
          "LINK " + l.name() + " -> \"" + t + "\" is refused: a link target must be relative");
    }
    if (!hasDots(t)) {
      return t;
    }
    int ups = 0;
    String rest = t;
    while (rest.startsWith("../")) {
      ups++;
      rest = rest.substring(3);
    }
    long depth = l.name().chars().filter(c -> c == '/').count();
    if (ups > depth && ("/" + rest).equals(l.name()) && !hasDots(rest)) {
      return null;
    }
    throw new JobRefused(
        "LINK " + l.name() + " -> \"" + t + "\" is refused: a link target may not contain ..");
  }

  private static boolean hasDots(String path) {
    for (String part : path.split("/", -1)) {
      if (part.equals(".") || part.equals("..")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Creates {@code root + path} one directory at a time, refusing to pass through anything but a
   * real directory.
   */
  static Path directories(Path root, String path) throws JobRefused, IOException {
    Path dir = root;
    for (String part : path.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      dir = dir.resolve(part);
      if (Files.isSymbolicLink(dir)) {
        throw new JobRefused(
            "the client's path " + path + " passes through a symbolic link it sent");
      }
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(dir);
      } else if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new JobRefused("the client's path " + path + " passes through a file it sent");
      }
    }
    return dir;
  }
}
