package dev.distcache.server.direct;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Linux's {@code statx(2)} through java.lang.foreign: a stat of a header costs about half what
 * {@code Files.readAttributes} costs, which builds a map of boxed values per call, and direct mode
 * stats every header of a hit. Answers nothing (the caller asks Java instead) when statx is not
 * there, the call fails (Java then throws its usual exception), or the path is not plain ASCII
 * (whose bytes Java's own encoding of file names decides).
 */
final class Statx {
  private static final int AT_FDCWD = -100;
  private static final int STATX_BASIC_STATS = 0x7ff;
  // STATX_TYPE | STATX_MODE | STATX_MTIME | STATX_CTIME | STATX_INO | STATX_SIZE
  private static final int NEEDED = 0x1 | 0x2 | 0x40 | 0x80 | 0x100 | 0x200;
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;

  /** {@code sizeof(struct statx)}, fixed by the kernel's ABI on every architecture. */
  private static final long SIZE = 256;

  private static final MethodHandle STATX = find();

  private Statx() {}

  private static MethodHandle find() {
    try {
      Linker linker = Linker.nativeLinker();
      return linker
          .defaultLookup()
          .find("statx")
          .map(f ->
              linker.downcallHandle(
                  f,
                  FunctionDescriptor.of(
                      ValueLayout.JAVA_INT,
                      ValueLayout.JAVA_INT,
                      ValueLayout.ADDRESS,
                      ValueLayout.JAVA_INT,
                      ValueLayout.JAVA_INT,
                      ValueLayout.ADDRESS)))
          .orElse(null);
    } catch (RuntimeException | LinkageError e) {
      return null; // not Linux, or native access refused: Java's stat serves
    }
  }

  /** True when this platform's statx is callable. */
  static boolean available() {
    return STATX != null;
  }

  /** The stat of {@code file}, following symbolic links; empty when only Java can tell. */
  static Optional<FileStat> of(Path file) {
    if (!callable(file)) {
      return Optional.empty();
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocate(SIZE, 8);
      if (call(arena, file, buf) != 0 || (buf.get(ValueLayout.JAVA_INT, 0) & NEEDED) != NEEDED) {
        return Optional.empty();
      }
      int mode = mode(buf);
      long rdev = makedev(buf.get(ValueLayout.JAVA_INT, 128), buf.get(ValueLayout.JAVA_INT, 132));
      return Optional.of(
          new FileStat(
              buf.get(ValueLayout.JAVA_LONG, 40),
              nanos(buf, 112),
              nanos(buf, 96),
              buf.get(ValueLayout.JAVA_LONG, 32),
              device(buf),
              (mode & S_IFMT) == S_IFREG,
              FileStat.isNullDevice(mode, rdev)));
    }
  }

  /**
   * What {@code file} is now, following symbolic links: {@link FileIdentity#NONE} when the stat
   * fails (absent, not a directory on the way, not searchable); empty when only Java can tell.
   */
  static Optional<FileIdentity> identity(Path file) {
    if (!callable(file)) {
      return Optional.empty();
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocate(SIZE, 8);
      int answer = call(arena, file, buf);
      if (answer == NOT_CALLED) {
        return Optional.empty();
      }
      if (answer != 0) {
        return Optional.of(FileIdentity.NONE);
      }
      if ((buf.get(ValueLayout.JAVA_INT, 0) & NEEDED) != NEEDED) {
        return Optional.empty();
      }
      return Optional.of(
          new FileIdentity(
              device(buf),
              buf.get(ValueLayout.JAVA_LONG, 32),
              mode(buf),
              buf.get(ValueLayout.JAVA_LONG, 40),
              nanos(buf, 112),
              nanos(buf, 96)));
    }
  }

  /** Whether statx can be asked about {@code file}: it is there and the name is plain ASCII. */
  private static boolean callable(Path file) {
    if (STATX == null) {
      return false;
    }
    String name = file.toString();
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** What {@link #call} answers when the downcall itself failed: statx said nothing. */
  private static final int NOT_CALLED = Integer.MIN_VALUE;

  /**
   * statx's return value for {@code file} into {@code buf} (0, or -1 when the stat failed); {@link
   * #NOT_CALLED} when the downcall itself failed.
   */
  private static int call(Arena arena, Path file, MemorySegment buf) {
    try {
      return (int)
          STATX.invokeExact(
              AT_FDCWD, arena.allocateFrom(file.toString()), 0, STATX_BASIC_STATS, buf);
    } catch (Throwable e) {
      return NOT_CALLED;
    }
  }

  private static int mode(MemorySegment buf) {
    return Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, 28));
  }

  private static long device(MemorySegment buf) {
    return makedev(buf.get(ValueLayout.JAVA_INT, 136), buf.get(ValueLayout.JAVA_INT, 140));
  }

  /** A {@code struct statx_timestamp} at {@code offset} in nanoseconds since the epoch. */
  private static long nanos(MemorySegment buf, long offset) {
    long seconds = buf.get(ValueLayout.JAVA_LONG, offset);
    long nanos = Integer.toUnsignedLong(buf.get(ValueLayout.JAVA_INT, offset + 8));
    try {
      return Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), nanos);
    } catch (ArithmeticException e) {
      return seconds < 0 ? Long.MIN_VALUE : Long.MAX_VALUE; // as FileTime.to(NANOSECONDS)
    }
  }

  /** glibc's {@code makedev()}: the {@code dev_t} that {@code stat} reports, as Java reads it. */
  static long makedev(int major, int minor) {
    long ma = Integer.toUnsignedLong(major);
    long mi = Integer.toUnsignedLong(minor);
    return ((ma & 0xfffL) << 8)
        | ((ma & 0xfffff000L) << 32)
        | (mi & 0xffL)
        | ((mi & 0xffffff00L) << 12);
  }
}
