package dev.distcache.cache;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * Turns RocksDB's status messages into store errors that name the directory and the likely cause.
 */
final class StoreFailures {
  private StoreFailures() {}

  /** A failure to {@code action} ("open", "read", "write to") the store at {@code dir}. */
  static StoreException failed(Path dir, String action, RocksDBException e) {
    return new StoreException(
        "cannot " + action + " the distcache store at " + dir + ": " + reason(e), e);
  }

  /**
   * Whether RocksDB failed because the store's own files are damaged: it reports corruption, or a
   * file its manifest names is missing. Not a lock, permissions, a full or a read-only disk.
   */
  static boolean damaged(RocksDBException e) {
    Status status = e.getStatus();
    if (status == null) {
      return false;
    }
    String state = String.valueOf(status.getState()).toLowerCase(Locale.ROOT);
    return status.getCode() == Status.Code.Corruption
        || (status.getCode() == Status.Code.IOError && state.contains("no such file"));
  }

  static String reason(IOException e) {
    return switch (e) {
      case AccessDeniedException d -> "permission denied on " + d.getFile();
      case FileAlreadyExistsException x -> x.getFile() + " exists and is not a directory";
      case NoSuchFileException n -> n.getFile() + " does not exist";
      case FileSystemException f when f.getReason() != null -> f.getFile() + ": " + f.getReason();
      default -> String.valueOf(e.getMessage());
    };
  }

  static String reason(RocksDBException e) {
    Status status = e.getStatus();
    String message =
        status != null && status.getState() != null
            ? status.getState()
            : String.valueOf(e.getMessage());
    String lower = message.toLowerCase(Locale.ROOT);
    if ((status != null && status.getSubCode() == Status.SubCode.NoSpace)
        || lower.contains("no space left")) {
      return "no space left on device";
    }
    if (lower.contains("permission denied")) {
      return "permission denied; check the owner and mode of the cache directory";
    }
    if (lower.contains("read-only file system")) {
      return "the file system is read-only";
    }
    if (message.contains("/LOCK") || lower.contains("lock file") || lower.contains("lock hold")) {
      return "it is locked; another distcache server is probably running with this cache directory";
    }
    if (status != null && status.getCode() == Status.Code.Corruption) {
      return "its files are damaged (" + message + ")";
    }
    return message;
  }
}
