package dev.distcache.core.args;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * What a path names as the server sees it, for deciding whether the server may read or write it for
 * the client. The server is another process than the client: a path that goes through {@code /proc}
 * ({@code /dev/stdin}, {@code /dev/fd/N}, {@code /proc/self/...}) names the server's own
 * descriptors there, and a device, FIFO or socket cannot be read twice or replaced by a file. So
 * only regular files (and {@code /dev/null}, which reads empty and swallows writes) are the
 * server's to handle; everything else is {@link #OTHER}, for the client's own compiler.
 */
public enum FileKind {
  /** Nothing there (a missing directory on the way too): an output the compiler will create. */
  ABSENT,
  /** A regular file, reached without passing through {@code /proc}. */
  REGULAR,
  /** The character device {@code /dev/null}. */
  DEV_NULL,
  /** A symbolic link in the last component, when asked not to follow it there. */
  LINK,
  /**
   * Anything else: a device, FIFO, socket, directory, a path through {@code /proc}, or unreadable.
   */
  OTHER;

  private static final Path ROOT = Path.of("/");
  private static final Path PROC = Path.of("/proc");
  private static final Path DEV_NULL_PATH = Path.of("/dev/null");
  private static final int MAX_LINKS = 40;
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFLNK = 0120000;

  /**
   * Resolves {@code path} (absolute) component by component, as the kernel would, following
   * symbolic links, and says what it names.
   *
   * @param followLast follow a symbolic link in the last component (reading an input); when false a
   *     link there is {@link #LINK} (an output: whether the compiler writes through it or replaces
   *     it depends on which program writes it)
   */
  public static FileKind of(Path path, boolean followLast) {
    Deque<String> todo = new ArrayDeque<>();
    for (Path part : path) {
      todo.add(part.toString());
    }
    Path cur = ROOT;
    int links = 0;
    while (!todo.isEmpty()) {
      String part = todo.removeFirst();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        cur = cur.getParent() == null ? ROOT : cur.getParent();
        continue;
      }
      Path next = cur.resolve(part);
      if (next.startsWith(PROC)) {
        return OTHER;
      }
      Map<String, Object> a;
      try {
        a = Files.readAttributes(next, "unix:mode,isSymbolicLink", LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return ABSENT;
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        return OTHER;
      }
      boolean last = todo.isEmpty();
      if ((Boolean) a.get("isSymbolicLink")) {
        if (last && !followLast) {
          return LINK;
        }
        if (++links > MAX_LINKS) {
          return OTHER;
        }
        Path target;
        try {
          target = Files.readSymbolicLink(next);
        } catch (IOException e) {
          return OTHER;
        }
        Deque<String> parts = new ArrayDeque<>();
        target.forEach(p -> parts.add(p.toString()));
        while (!parts.isEmpty()) {
          todo.addFirst(parts.removeLast());
        }
        if (target.isAbsolute()) {
          cur = ROOT;
        }
        continue;
      }
      int type = (Integer) a.get("mode") & S_IFMT;
      if (!last) {
        if (type != S_IFDIR) {
          return OTHER; // the kernel says ENOTDIR; let the compiler say so
        }
        cur = next;
        continue;
      }
      if (type == S_IFREG) {
        return REGULAR;
      }
      return type == S_IFCHR && next.equals(DEV_NULL_PATH) ? DEV_NULL : OTHER;
    }
    return OTHER; // the root directory
  }

  /**
   * {@link #of} for paths that name {@code /proc} or {@code /dev} or hold {@code ..}; one stat for
   * the others, which costs a warm hit far less. The one stat still ends at the server's file for a
   * link into {@code /proc}, which then is not regular for an input (the server's own stdin is
   * {@code /dev/null}, accepted only under that name) and is a link for an output; what it misses
   * is a directory link into {@code /proc} with a regular file of the server's at its end.
   */
  public static FileKind probe(Path path, boolean followLast) {
    String s = path.toString();
    if (s.startsWith("/proc/")
        || s.startsWith("/dev/")
        || s.contains("/..")
        || !path.isAbsolute()) {
      return of(path, followLast);
    }
    Map<String, Object> a;
    try {
      a =
          followLast
              ? Files.readAttributes(path, "unix:mode")
              : Files.readAttributes(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return ABSENT;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return OTHER;
    }
    int type = (Integer) a.get("mode") & S_IFMT;
    return type == S_IFREG ? REGULAR : type == S_IFLNK ? LINK : OTHER;
  }

  /**
   * True when {@code path} is literally {@code /dev/null} once {@code .} and {@code ..} are folded,
   * as ccache decides.
   */
  public static boolean isDevNullPath(Path path) {
    return path.normalize().equals(DEV_NULL_PATH);
  }
}
