package dev.distcache.server.direct;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one stat of a file says about it: enough to tell that its content cannot have changed since
 * an earlier stat (a rewrite moves ctime, a replacement changes the inode, even when size and mtime
 * are kept), and whether it is old enough to trust.
 */
public record FileStat(
    long size, long mtimeNanos, long ctimeNanos, long inode, long device, boolean regular) {
  private static final String ATTRIBUTES = "unix:size,lastModifiedTime,ctime,ino,dev,isRegularFile";

  /** Stats {@code file}, following symbolic links as the compiler's open does. */
  public static FileStat of(Path file) throws IOException {
    Map<String, Object> a;
    try {
      a = Files.readAttributes(file, ATTRIBUTES);
    } catch (UnsupportedOperationException e) {
      throw new IOException("cannot read the unix attributes of " + file, e);
    }
    return new FileStat(
        (Long) a.get("size"),
        nanos(a.get("lastModifiedTime")),
        nanos(a.get("ctime")),
        (Long) a.get("ino"),
        (Long) a.get("dev"),
        (Boolean) a.get("isRegularFile"));
  }

  /** True when both mtime and ctime are earlier than {@code epochNanos}. */
  public boolean changedBefore(long epochNanos) {
    return mtimeNanos < epochNanos && ctimeNanos < epochNanos;
  }

  private static long nanos(Object time) {
    return ((FileTime) time).to(TimeUnit.NANOSECONDS);
  }
}
