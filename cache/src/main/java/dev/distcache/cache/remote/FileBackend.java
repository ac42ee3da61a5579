package dev.distcache.cache.remote;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A remote storage tier in a directory, usually on NFS or another disk that several machines mount:
 * ccache's {@code file:} backend. One file per key, named by the {@link Layout}.
 *
 * <p>Writers on many machines write the same keys at once, so a value is written to a temporary
 * file beside its final name ({@code .KEY.RANDOM.tmp}) and then renamed onto that name: a reader
 * sees no file or a whole one, never a partial write, and a write that fails deletes its temporary
 * file. The data is not {@code fsync}ed: NFS clients flush a file's data when it is closed (so
 * other machines see a renamed file whole), a local crash that tore a file leaves a value whose
 * checksum fails when read (counted and never served), and a forced flush per compile would cost a
 * shared disk a synchronous round trip for every miss.
 *
 * <p>The final name is never followed: a read checks that it is a regular file ({@code
 * NOFOLLOW_LINKS}) and reports anything else (a symbolic link, a FIFO, a device) as an error, and a
 * write renames onto the name, replacing whatever is there instead of writing through it.
 *
 * <p>A shared disk can hang. Each operation runs with the entry's {@code operation-timeout} (see
 * {@link Deadline}), and {@link #open} does no I/O at all, so a dead mount never delays the start
 * of a server; the directory is created by the first write that finds it missing.
 *
 * <p>Attributes, as in ccache: {@code layout=subdirs|flat}, {@code umask=OCTAL} (the files and
 * directories this backend creates get exactly {@code 0666 & ~umask} and {@code 0777 & ~umask},
 * whatever the process's umask; without it the process's umask applies, as in ccache), {@code
 * update-mtime=true|false} (a read hit sets the file's modification time to now, so that an
 * external cleaner removing the least recently used files sees it used). {@code read-only} is the
 * cache stage's to apply. Thread-safe.
 */
public final class FileBackend implements RemoteBackend {
  /** Where a key's file lies in the directory, spelled as ccache's {@code layout} attribute. */
  public enum Layout {
    /** {@code DIR/ab/cdef...}: the first two characters of the key name a subdirectory. */
    SUBDIRS,
    /** {@code DIR/abcdef...}: every file in the one directory. */
    FLAT
  }

  /** Keys as the contract spells them (lower-case hex); anything else could name another path. */
  private static final Pattern KEY = Pattern.compile("[0-9a-f]{3,128}");

  private static final PosixFilePermission[] BITS = {
    PosixFilePermission.OTHERS_EXECUTE,
    PosixFilePermission.OTHERS_WRITE,
    PosixFilePermission.OTHERS_READ,
    PosixFilePermission.GROUP_EXECUTE,
    PosixFilePermission.GROUP_WRITE,
    PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE,
    PosixFilePermission.OWNER_WRITE,
    PosixFilePermission.OWNER_READ,
  };

  private final String server;
  private final Path dir;
  private final Layout layout;
  private final Optional<Integer> umask;
  private final boolean updateMtime;
  private final Deadline deadline;

  private FileBackend(
      String server,
      Path dir,
      Layout layout,
      Optional<Integer> umask,
      boolean updateMtime,
      Deadline deadline) {
    this.server = server;
    this.dir = dir;
    this.layout = layout;
    this.umask = umask;
    this.updateMtime = updateMtime;
    this.deadline = deadline;
  }

  /**
   * A backend for one {@code file:} entry; does no I/O.
   *
   * @throws IllegalArgumentException naming the entry and what is wrong with it: another scheme, a
   *     host other than {@code localhost}, a relative path, an unknown layout, a bad umask or
   *     update-mtime value
   */
  public static FileBackend open(RemoteSpec spec) {
    String url = spec.url();
    if (!spec.scheme().equals("file")) {
      throw new IllegalArgumentException("remote storage URL " + url + " is not a file: URL");
    }
    return new FileBackend(
        url,
        directory(url),
        layout(spec),
        umask(spec),
        updateMtime(spec),
        new Deadline(url, spec.operationTimeout()));
  }

  /** The directory the values are in. */
  public Path directory() {
    return dir;
  }

  /** The file that holds {@code key}'s value (whether or not it exists). */
  public Path path(String key) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "remote storage key \"" + key + "\" is not 3 to 128 lower-case hex digits");
    }
    return switch (layout) {
      case SUBDIRS -> dir.resolve(key.substring(0, 2)).resolve(key.substring(2));
      case FLAT -> dir.resolve(key);
    };
  }

  @Override
  public Optional<byte[]> get(String key) {
    Path file = path(key);
    return deadline.run("cannot read " + file, () -> read(file));
  }

  @Override
  public void put(String key, byte[] value, boolean overwrite) {
    Path file = path(key);
    deadline.run(
        "cannot write " + file,
        () -> {
          write(key, file, value, overwrite);
          return null;
        });
  }

  @Override
  public void close() {
    deadline.close();
  }

  @Override
  public String toString() {
    return server;
  }

  private Optional<byte[]> read(Path file) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (!attributes.isRegularFile()) {
      throw new IOException("it is " + kind(attributes) + ", not a regular file");
    }
    byte[] value;
    try (InputStream in =
        Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      value = in.readAllBytes();
    } catch (NoSuchFileException e) {
      return Optional.empty(); // a cleaner removed it since
    }
    if (updateMtime) {
      touch(file);
    }
    return Optional.of(value);
  }

  /**
   * Marks {@code file} used. Best effort: a value that was read is a hit even when its time cannot
   * be set (a read-only mount, another user's file); the cleaner then sees it as older than it is.
   * Java sets explicit times, which the kernel allows only to the file's owner, where ccache's
   * {@code utime(path, NULL)} needs write permission alone: in a directory shared by several users,
   * only the hits of the user who wrote a file refresh it.
   */
  private static void touch(Path file) {
    try {
      Files.getFileAttributeView(file, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(FileTime.from(Instant.now()), null, null);
    } catch (IOException e) {
      // see above
    }
  }

  private void write(String key, Path file, byte[] value, boolean overwrite) throws IOException {
    if (!overwrite && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    makeDirectory(file.getParent());
    byte[] random = new byte[8];
    ThreadLocalRandom.current().nextBytes(random);
    Path temporary =
        file.resolveSibling("." + key + "." + HexFormat.of().formatHex(random) + ".tmp");
    boolean renamed = false;
    try {
      try (FileChannel out =
          FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        if (umask.isPresent()) {
          Files.setPosixFilePermissions(temporary, permissions(0666 & ~umask.get()));
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
      }
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
      renamed = true;
    } finally {
      if (!renamed) {
        deleteQuietly(temporary);
      }
    }
  }

  /** Creates {@code d} and its missing parents, each with the umask's mode when one is set. */
  private void makeDirectory(Path d) throws IOException {
    if (Files.isDirectory(d)) {
      return; // following links: the directory itself may be a link to the mount
    }
    try {
      Files.createDirectory(d);
    } catch (FileAlreadyExistsException e) {
      return; // another writer made it first, or it is a file and the write says so
    } catch (NoSuchFileException e) {
      Path parent = d.getParent();
      if (parent == null) {
        throw e;
      }
      makeDirectory(parent);
      try {
        Files.createDirectory(d);
      } catch (FileAlreadyExistsException again) {
        return;
      }
    }
    if (umask.isPresent()) {
      Files.setPosixFilePermissions(d, permissions(0777 & ~umask.get()));
    }
  }

  private static void deleteQuietly(Path temporary) {
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException e) {
      // the write's own failure is the one to report; the disk is failing anyway
    }
  }

  private static String kind(BasicFileAttributes a) {
    if (a.isSymbolicLink()) {
      return "a symbolic link";
    }
    if (a.isDirectory()) {
      return "a directory";
    }
    return "a special file (a FIFO, a device or a socket)";
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int bit = 0; bit < BITS.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(BITS[bit]);
      }
    }
    return set;
  }

  /** {@code file:/path}, {@code file:///path} or {@code file://localhost/path}, percent-decoded. */
  static Path directory(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "remote storage URL " + url + " is not a valid URL: " + e.getReason());
    }
    String host = uri.getRawAuthority();
    if (host != null && !host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
      throw new IllegalArgumentException(
          "remote storage URL "
              + url
              + " names the host "
              + host
              + "; a file: URL names a directory of this machine (mount the shared disk and"
              + " write file:/its/path)");
    }
    String path = uri.getPath();
    if (uri.isOpaque() || path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException(
          "remote storage URL " + url + " does not name an absolute directory (file:/path)");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "remote storage URL " + url + " has a ? or #; write them as %3F and %23 in a path");
    }
    return Path.of(path).normalize();
  }

  private static Layout layout(RemoteSpec spec) {
    String value = spec.attribute("layout", "subdirs");
    return switch (value) {
      case "subdirs" -> Layout.SUBDIRS;
      case "flat" -> Layout.FLAT;
      default ->
          throw new IllegalArgumentException(
              "remote storage attribute layout="
                  + value
                  + " of "
                  + spec.url()
                  + " is not subdirs or flat");
    };
  }

  private static Optional<Integer> umask(RemoteSpec spec) {
    String value = spec.attribute("umask", null);
    if (value == null) {
      return Optional.empty();
    }
    if (value.matches("[0-7]{1,4}")) {
      int mask = Integer.parseInt(value, 8);
      if (mask <= 0777) {
        return Optional.of(mask);
      }
    }
    throw new IllegalArgumentException(
        "remote storage attribute umask="
            + value
            + " of "
            + spec.url()
            + " is not an octal umask such as 002");
  }

  private static boolean updateMtime(RemoteSpec spec) {
    String value = spec.attribute("update-mtime", "false");
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "remote storage attribute update-mtime="
                  + value
                  + " of "
                  + spec.url()
                  + " is not true or false");
    };
  }
}
