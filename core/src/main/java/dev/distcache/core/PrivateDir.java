package dev.distcache.core;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * A directory that only this process's user can use, for the local server's socket when it does not
 * fit in the cache directory: a real directory (not a symbolic link) owned by this user with mode
 * 0700, in a parent that nobody else can rename it in (owned by root or this user, and not writable
 * by others unless sticky, as /tmp is). Anything else may be another user's trap (a directory made
 * first in /tmp, with a fake server listening in it) and is refused. The native client's
 * private_dir (cli/src/main/c/server.c) checks the same.
 */
public final class PrivateDir {
  private static final int STICKY = 01000;

  private PrivateDir() {}

  /**
   * Whether {@code dir} is private to this user, creating it (mode 0700) first when {@code create}
   * and it is missing.
   */
  public static boolean usable(Path dir, boolean create) {
    try {
      if (create && !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dir.getParent());
        try {
          Files.createDirectory(
              dir,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
          Files.setPosixFilePermissions(
              dir, PosixFilePermissions.fromString("rwx------")); // whatever the umask
        } catch (FileAlreadyExistsException e) {
          // Made at the same moment by another client, or by someone else: checked below.
        }
      }
      int self = effectiveUid();
      Map<String, Object> a =
          Files.readAttributes(
              dir, "unix:mode,uid,isDirectory,isSymbolicLink", LinkOption.NOFOLLOW_LINKS);
      if (!(Boolean) a.get("isDirectory")
          || (Boolean) a.get("isSymbolicLink")
          || (Integer) a.get("uid") != self
          || ((Integer) a.get("mode") & 07777) != 0700) {
        return false;
      }
      Map<String, Object> p = Files.readAttributes(dir.getParent(), "unix:mode,uid");
      int parentUid = (Integer) p.get("uid");
      int parentMode = (Integer) p.get("mode");
      return (parentUid == 0 || parentUid == self)
          && ((parentMode & 022) == 0 || (parentMode & STICKY) != 0);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * This process's effective uid, from /proc (Java has no API for it); -1 when it cannot be read.
   */
  public static int effectiveUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Fall through: nothing is then taken for this user's.
    }
    return -1;
  }
}
