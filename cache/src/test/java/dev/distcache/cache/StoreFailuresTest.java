package dev.distcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

class StoreFailuresTest {
  private static final Path DIR = Path.of("/home/u/.cache/distcache/store");

  private static String message(Status.Code code, Status.SubCode subCode, String state) {
    return StoreFailures.failed(
            DIR, "open", new RocksDBException(state, new Status(code, subCode, state)))
        .getMessage();
  }

  @Test
  void failed_whenLockFileHeldByAnotherProcess_saysAnotherServerIsProbablyRunning() {
    assertEquals(
        "cannot open the distcache store at "
            + DIR
            + ": it is locked; another distcache server is probably running with this cache directory",
        message(
            Status.Code.IOError,
            Status.SubCode.None,
            "While lock file: " + DIR + "/LOCK: Resource temporarily unavailable"));
  }

  @Test
  void failed_whenDiskFull_saysNoSpaceLeft() {
    assertEquals(
        "cannot open the distcache store at " + DIR + ": no space left on device",
        message(
            Status.Code.IOError,
            Status.SubCode.NoSpace,
            "While appending to file: " + DIR + "/000012.log"));
  }

  @Test
  void failed_whenBlockIsCorrupt_saysDamagedNotLocked() {
    assertEquals(
        "cannot open the distcache store at "
            + DIR
            + ": its files are damaged (block checksum mismatch)",
        message(Status.Code.Corruption, Status.SubCode.None, "block checksum mismatch"));
  }

  @Test
  void failed_whenPermissionDenied_saysToCheckTheDirectory() {
    assertEquals(
        "cannot open the distcache store at "
            + DIR
            + ": permission denied; check the owner and mode of the cache directory",
        message(
            Status.Code.IOError,
            Status.SubCode.None,
            "While open a file for appending: " + DIR + "/LOG: Permission denied"));
  }

  @Test
  void failed_whenLockFileCannotBeOpened_saysPermissionDeniedNotLocked() {
    assertEquals(
        "cannot open the distcache store at "
            + DIR
            + ": permission denied; check the owner and mode of the cache directory",
        message(
            Status.Code.IOError,
            Status.SubCode.None,
            "While open a file for lock: " + DIR + "/LOCK: Permission denied"));
  }

  @Test
  void failed_whenCauseUnknown_keepsRocksDbsReason() {
    assertEquals(
        "cannot open the distcache store at "
            + DIR
            + ": Invalid argument: Column family not found: x",
        message(
            Status.Code.InvalidArgument,
            Status.SubCode.None,
            "Invalid argument: Column family not found: x"));
  }
}
