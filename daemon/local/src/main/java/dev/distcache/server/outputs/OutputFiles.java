package dev.distcache.server.outputs;

import dev.distcache.core.args.FileKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes output files the way a compiler would, but never visibly half-written: the bytes go to a
 * temporary name, then are renamed into place. Only a regular file is ever replaced.
 */
public final class OutputFiles {
  private static final Set<OpenOption> CREATE =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

  private OutputFiles() {}

  /**
   * Writes {@code bytes} to {@code target} with mode 0666 less {@code umask}.
   *
   * @param processUmask this process's umask, which the kernel applies when the file is created
   */
  static void write(Path target, byte[] bytes, int umask, int processUmask) throws IOException {
    if (!replaceable(target)) {
      return; // /dev/null: the compiler's write there changes nothing either
    }
    Set<PosixFilePermission> mode = permissions(umask);
    Path tmp =
        target.resolveSibling(
            target.getFileName()
                + ".distcache-tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    boolean moved = false;
    try {
      try (SeekableByteChannel ch =
          Files.newByteChannel(tmp, CREATE, PosixFilePermissions.asFileAttribute(mode))) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
      if (((0666 & ~umask) & processUmask) != 0) {
        Files.setPosixFilePermissions(tmp, mode); // our umask took bits the client's leaves
      }
      removeReplaced(target);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * True when {@code target} is absent, a regular file or a link to one (which the assembler
   * replaces too), which a rename may replace; false for {@code /dev/null}. Anything else (a
   * device, a FIFO, a directory) throws: the compiler would open and write it, never replace it, so
   * the client must compile.
   */
  private static boolean replaceable(Path target) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return true;
    }
    if (a.isRegularFile() || (a.isSymbolicLink() && Files.isRegularFile(target))) {
      return true;
    }
    if (a.isOther() && FileKind.isDevNullPath(target)) {
      return false;
    }
    throw new IOException(target + " is not a regular file");
  }

  /**
   * Removes the file that {@code target}'s new version replaces. A rename over it would do in one
   * step, but ext4 then starts writing the new file to disk at once (auto_da_alloc), which costs a
   * hit several hundred microseconds; a rename to a free name does not. In between, a reader finds
   * no file, never a partial one. Only a regular file or a link is removed (see {@link
   * #replaceable}).
   */
  private static void removeReplaced(Path target) throws IOException {
    try {
      BasicFileAttributes a =
          Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.isRegularFile() || a.isSymbolicLink()) {
        Files.delete(target);
      }
    } catch (NoSuchFileException e) {
      // Nothing to replace.
    }
  }

  /** Gives a file the compiler created the mode the client's umask would have given it. */
  public static void applyUmask(Path file, int umask) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return; // never chmod a device such as /dev/null, or through a link
    }
    Set<PosixFilePermission> want = permissions(umask);
    if (!Files.getPosixFilePermissions(file).equals(want)) {
      Files.setPosixFilePermissions(file, want);
    }
  }

  /** The permissions a file created with mode 0666 under {@code umask} has. */
  public static Set<PosixFilePermission> permissions(int umask) {
    int mode = 0666 & ~umask;
    Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_READ
    };
    for (int bit = 0; bit < 9; bit++) {
      if ((mode & (1 << bit)) != 0) {
        p.add(order[bit]);
      }
    }
    return p;
  }
}
