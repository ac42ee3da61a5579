package dev.distcache.server.direct;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Which file a path leads to and its state, from one stat that follows symbolic links: the same
 * identity means the same file (device and inode), with the same type, permissions, size and times
 * (a rewrite, a chmod or a new link moves ctime). A failed stat is {@link #NONE}.
 */
public record FileIdentity(
    long device, long inode, int mode, long size, long mtimeNanos, long ctimeNanos) {
  /** What a path that cannot be stat'ed (absent, say) leads to. */
  public static final FileIdentity NONE = new FileIdentity(-1, -1, -1, -1, -1, -1);

  /**
   * The identity of the file {@code path} leads to now; empty when this platform cannot tell
   * cheaply (no statx, a file name that is not plain ASCII).
   */
  public static Optional<FileIdentity> of(Path path) {
    return Statx.identity(path);
  }
}
