package dev.distcache.daemon.compile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Writes output files the way a compiler would, but atomically: a temporary name, then a rename. */
final class OutputFiles {
  private OutputFiles() {}

  /** Writes {@code bytes} to {@code target} with mode 0666 less {@code umask}. */
  static void write(Path target, byte[] bytes, int umask) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".distcache-tmp-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      Files.write(tmp, bytes);
      Files.setPosixFilePermissions(tmp, permissions(umask));
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Gives a file the compiler created the mode the client's umask would have given it. */
  static void applyUmask(Path file, int umask) throws IOException {
    Set<PosixFilePermission> want = permissions(umask);
    if (!Files.getPosixFilePermissions(file).equals(want)) {
      Files.setPosixFilePermissions(file, want);
    }
  }

  static Set<PosixFilePermission> permissions(int umask) {
    int mode = 0666 & ~umask;
    Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < 9; bit++) {
      if ((mode & (1 << bit)) != 0) {
        p.add(order[bit]);
      }
    }
    return p;
  }
}
