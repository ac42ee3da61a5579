package dev.distcache.server.pipeline;

import dev.distcache.core.config.Config;
import dev.distcache.server.direct.FileHashes;
import dev.distcache.server.direct.FileStat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cache directory's configuration file, parsed once per version of it: a request stats the file
 * and reuses the settings parsed under the same stat. The same caution as {@link FileHashes}
 * applies: a version is remembered only when it is older than the request by the timestamp slack
 * and did not change while it was read. Thread-safe.
 */
final class ConfigFileCache {
  private record Parsed(FileStat stat, Config.FileSettings settings) {}

  /** The file was missing while its directory had this stat. */
  private record Missing(Path file, FileStat directory) {}

  private volatile Parsed last;
  private volatile Missing missing;

  /** The file's settings and notes, as {@link Config#readFile} gives them. */
  Config.FileSettings settings(Path file, long requestStartNanos) {
    if (stillMissing(file, requestStartNanos)) {
      return Config.FileSettings.NONE;
    }
    FileStat before;
    try {
      before = FileStat.of(file);
    } catch (IOException e) {
      return Config.readFile(file);
    }
    Parsed p = last;
    if (p != null && p.stat().equals(before)) {
      return p.settings();
    }
    Config.FileSettings settings = Config.readFile(file);
    try {
      if (FileStat.of(file).equals(before)
          && before.changedBefore(requestStartNanos - FileHashes.TIMESTAMP_SLACK_NANOS)) {
        last = new Parsed(before, settings);
      }
    } catch (IOException e) {
      // Changed while it was read: parse it again next time.
    }
    return settings;
  }

  /**
   * True when the file does not exist. Most cache directories have no configuration file, and
   * asking the file system for a missing file costs Java an exception on every request; so a
   * missing file is remembered with its directory's stat, which changes when an entry is created,
   * renamed in or removed there, and trusted as {@link FileHashes} trusts a stat.
   */
  private boolean stillMissing(Path file, long requestStartNanos) {
    Path dir = file.toAbsolutePath().getParent();
    FileStat dirStat;
    try {
      dirStat = dir == null ? null : FileStat.of(dir);
    } catch (IOException e) {
      dirStat = null;
    }
    Missing m = missing;
    if (m != null && dirStat != null && m.file().equals(file) && m.directory().equals(dirStat)) {
      return true;
    }
    if (!Files.notExists(file)) {
      return false;
    }
    if (dirStat != null
        && dirStat.changedBefore(requestStartNanos - FileHashes.TIMESTAMP_SLACK_NANOS)) {
      missing = new Missing(file, dirStat);
    }
    return true;
  }
}
