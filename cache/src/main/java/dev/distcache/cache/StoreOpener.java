package dev.distcache.cache;

import dev.distcache.core.stats.Counter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.rocksdb.RocksDBException;

/**
 * Opens a store, and when RocksDB finds its files damaged (a garbled CURRENT, a missing table
 * file), moves the directory aside to {@code store.broken-<UTC time>} next to it, keeping every
 * file, and opens an empty store in its place. Only damage is moved aside: a store that is locked
 * by another process, unreadable or on a full or read-only disk fails to open as before. The local
 * server and the remote daemon both open their stores here.
 */
public final class StoreOpener {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private StoreOpener() {}

  /**
   * An open store and, when the old one was damaged, where it went and why.
   *
   * @param movedAside the damaged store's new directory
   * @param damage what RocksDB said of it
   */
  public record Opened(RocksResultStore store, Optional<Path> movedAside, String damage) {
    /** The one line that tells the user, or empty when nothing was moved. */
    public Optional<String> notice() {
      return movedAside.map(to ->
          "the cache store would not open ("
              + damage
              + "); moved it aside to "
              + to
              + " and started an empty cache");
    }
  }

  /**
   * Opens the store in {@code dir}; a damaged one is moved aside, counted as {@link
   * Counter#STORE_MOVED_ASIDE} in the new store, and replaced by an empty one.
   *
   * @throws StoreException if it cannot be opened for another reason, or not even empty
   */
  @SuppressWarnings("try") // the lock is held for the block's duration, never read
  public static Opened open(Path dir, InstantSource clock) {
    Path lockFile = dir.resolveSibling(dir.getFileName() + ".open.lock");
    try {
      Files.createDirectories(dir.getParent());
    } catch (IOException e) {
      throw new StoreException(
          "cannot create " + dir.getParent() + ": " + StoreFailures.reason(e), e);
    }
    try (FileChannel ch =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      return openOrMoveAside(dir, clock);
    } catch (IOException e) {
      throw new StoreException(
          "cannot lock " + lockFile + " to open the distcache store: " + StoreFailures.reason(e),
          e);
    }
  }

  /**
   * Opens the existing store in {@code dir} read-only ({@link RocksResultStore#openReadOnly}),
   * writing nothing: no open lock, and a damaged store is never moved aside.
   *
   * @throws StoreException if there is no store there, or it cannot be read
   */
  public static Opened openReadOnly(Path dir, InstantSource clock) {
    return new Opened(RocksResultStore.openReadOnly(dir, clock), Optional.empty(), "");
  }

  /**
   * Under the lock on {@code <dir>.open.lock}, so that two processes that both find the store
   * damaged (remote daemons under inetd) do not both move it aside, the second one the first's new
   * store: the second finds that one open (locked), which is not damage.
   */
  private static Opened openOrMoveAside(Path dir, InstantSource clock) {
    try {
      return new Opened(RocksResultStore.open(dir, clock), Optional.empty(), "");
    } catch (StoreException e) {
      if (!(e.getCause() instanceof RocksDBException r) || !StoreFailures.damaged(r)) {
        throw e;
      }
      Path to = moveAside(dir, clock, e);
      RocksResultStore store = RocksResultStore.open(dir, clock);
      try {
        store.increment(Counter.STORE_MOVED_ASIDE);
      } catch (StoreException counting) {
        // Counting never stops a start; the notice still says it.
      }
      return new Opened(store, Optional.of(to), StoreFailures.reason(r));
    }
  }

  private static Path moveAside(Path dir, InstantSource clock, StoreException failure) {
    String base = dir.getFileName() + ".broken-" + STAMP.format(clock.instant());
    Path to = dir.resolveSibling(base);
    for (int i = 2; Files.exists(to); i++) {
      to = dir.resolveSibling(base + "-" + i);
    }
    try {
      Files.move(dir, to);
    } catch (IOException e) {
      failure.addSuppressed(e);
      throw new StoreException(
          failure.getMessage()
              + "; moving it aside to "
              + to
              + " failed: "
              + StoreFailures.reason(e),
          failure);
    }
    return to;
  }
}
