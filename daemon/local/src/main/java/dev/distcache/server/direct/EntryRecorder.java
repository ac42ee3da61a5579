package dev.distcache.server.direct;

import dev.distcache.cache.Manifest;
import dev.distcache.hashing.LineMarkers;
import dev.distcache.hashing.SourceScan;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns the files a finished compile read into a manifest entry's file list, or says why the
 * compile must not be recorded (as ccache): a file is gone, not a regular file (the null device
 * excepted: it reads empty, whatever its times say), changed while it was hashed, has an mtime or
 * ctime not older than the compile's start (unless {@code include_file_mtime} / {@code
 * include_file_ctime} sloppiness), or names a time macro (unless {@code time_macros}), or has an
 * assembler {@code .incbin} or {@code .include} or a {@code #embed}, which read files the list
 * cannot name; or the list does not name the source. Every file read after the compile started is
 * suspect: the compiler may have seen other bytes than the ones hashed now.
 *
 * <p>The source itself may be that young (autoconf writes conftest.c just before each compile) when
 * it was hashed before the compile started and is unchanged since: the same stat and the same
 * content now. Only a file changed and changed back within one compile would pass unseen. ccache
 * records such sources too: it checks times against the compile's start without the slack.
 */
final class EntryRecorder {
  private EntryRecorder() {}

  /**
   * The files, in the order read, with their paths as the compiler named them.
   *
   * @param fileMacros some file names {@code __FILE__} or a relative of it
   * @param skippedSystemHeaders system headers were left out ({@code system_headers} sloppiness)
   */
  record Recorded(
      List<Manifest.IncludedFile> files, boolean fileMacros, boolean skippedSystemHeaders) {}

  /** Why a compile is not recorded; the message is for the log. */
  static final class NotRecordableException extends Exception {
    NotRecordableException(String message) {
      super(message);
    }
  }

  /**
   * The entry's files for the files a compile read, with the source's stat and hash taken before
   * the compile started ({@code sourceBefore}; {@code null}: none).
   */
  static Recorded record(
      List<LineMarkers.MarkedFile> read,
      String source,
      FileHashes.Hashed sourceBefore,
      Path cwd,
      long startNanos,
      Set<String> sloppiness,
      FileHashes hashes)
      throws NotRecordableException {
    boolean skipSystem = sloppiness.contains("system_headers");
    boolean checkMtime = !sloppiness.contains("include_file_mtime");
    boolean checkCtime = !sloppiness.contains("include_file_ctime");
    boolean checkTimeMacros = !sloppiness.contains("time_macros");
    long newest = startNanos - FileHashes.TIMESTAMP_SLACK_NANOS;
    List<Manifest.IncludedFile> files = new ArrayList<>(read.size());
    boolean fileMacros = false;
    boolean skipped = false;
    boolean sawSource = false;
    for (LineMarkers.MarkedFile m : read) {
      sawSource |= m.path().equals(source);
      if (skipSystem && m.systemHeader()) {
        skipped = true;
        continue;
      }
      FileHashes.Hashed h;
      try {
        h = hashes.hash(cwd.resolve(m.path()), startNanos);
      } catch (IOException | InvalidPathException e) {
        throw new NotRecordableException("cannot hash " + m.path() + ": " + e.getMessage());
      }
      if (!h.stable()) {
        throw new NotRecordableException(m.path() + " changed while it was hashed");
      }
      // The null device's times say nothing of its (empty) content; a source hashed before the
      // compile and unchanged since is the one the compiler read.
      boolean timed =
          !h.stat().nullDevice() && !(m.path().equals(source) && unchanged(sourceBefore, h));
      if (timed && checkMtime && h.stat().mtimeNanos() >= newest) {
        throw new NotRecordableException(m.path() + " was modified after the compile started");
      }
      if (timed && checkCtime && h.stat().ctimeNanos() >= newest) {
        throw new NotRecordableException(m.path() + " was changed after the compile started");
      }
      if (checkTimeMacros && (h.flags() & SourceScan.TIME_MACROS) != 0) {
        throw new NotRecordableException(m.path() + " names __TIME__, __DATE__ or __TIMESTAMP__");
      }
      if ((h.flags() & (SourceScan.CODE_DIRECTIVES | SourceScan.EMBED)) != 0) {
        throw new NotRecordableException(
            m.path() + " has .incbin, .include or #embed, which read a file no entry lists");
      }
      fileMacros |= (h.flags() & SourceScan.FILE_MACROS) != 0;
      files.add(new Manifest.IncludedFile(m.path(), h.stat().contentSize(), h.hash()));
    }
    if (!sawSource) {
      throw new NotRecordableException("the files read do not name the source " + source);
    }
    return new Recorded(files, fileMacros, skipped);
  }

  /** Whether {@code now} is the file {@code before} was, with the same stat and content. */
  private static boolean unchanged(FileHashes.Hashed before, FileHashes.Hashed now) {
    return before != null
        && before.stable()
        && before.stat().equals(now.stat())
        && before.hash().equals(now.hash());
  }
}
