package dev.distcache.distribute.farm;

import dev.distcache.core.Bytes;
import dev.distcache.core.args.GccOptionParser;
import dev.distcache.distribute.distcc.PumpFile;
import dev.distcache.hashing.LineMarkers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The files a compile with debug info ships to a distcache daemon, which recreates them under their
 * own paths and compiles there ({@code -ffile-prefix-map} of its directory), so that the debug info
 * names what a local compile names: the source and every header its preprocessor read, as the line
 * markers of this machine's preprocessor output list them, except those under the compiler's
 * built-in include directories, which the daemon's compiler of the same identity reads from its own
 * (as distcc's pump mode assumes). A header under a built-in directory that an include option names
 * too ({@code -I/usr/include/glib-2.0}) is shipped: the daemon moves that option under its
 * directory.
 *
 * <p>The compile stays local when a shipped file could read differently on the daemon: one that
 * asks {@code __has_include} (a header this machine has and the daemon lacks would read as absent,
 * silently) or {@code __TIMESTAMP__} (the file's time on the daemon is not this machine's).
 */
final class ShippedSources {
  private static final List<String> DIRECTORY_OPTIONS =
      List.of("-I", "-isystem", "-iquote", "-idirafter");
  private static final List<byte[]> UNSHIPPABLE =
      List.of(bytes("__has_include"), bytes("__TIMESTAMP__"));

  /** What to send, or why the compile stays local. */
  sealed interface Outcome {}

  /** The files, each under its absolute path without {@code .} or {@code ..}. */
  record Shipped(List<PumpFile> files, long bytes) implements Outcome {}

  record KeepLocal(String why) implements Outcome {}

  private ShippedSources() {}

  /**
   * The files of a compile in {@code cwd} whose preprocessor output is {@code preprocessed}.
   *
   * @param args the compile's arguments (for the include options that name directories)
   * @param builtin the compiler's built-in include directories, absolute and normalized
   */
  static Outcome collect(
      Path cwd, String source, List<String> args, byte[] preprocessed, List<Path> builtin) {
    List<Path> named = new ArrayList<>();
    boolean nostdinc = false;
    List<String> canonical = GccOptionParser.canonical(args);
    for (int i = 0; i < canonical.size(); i++) {
      String a = canonical.get(i);
      nostdinc |= a.equals("-nostdinc") || a.equals("-nostdinc++");
      for (String o : DIRECTORY_OPTIONS) {
        if (a.equals(o) && i + 1 < canonical.size()) {
          named.add(absolute(cwd, canonical.get(i + 1)));
        } else if (a.startsWith(o) && a.length() > o.length()) {
          named.add(absolute(cwd, a.substring(o.length())));
        }
      }
    }
    Set<Path> paths = new LinkedHashSet<>();
    paths.add(absolute(cwd, source));
    for (LineMarkers.MarkedFile f : LineMarkers.includedFiles(preprocessed)) {
      Path p = absolute(cwd, f.path());
      if (p == null) {
        return new KeepLocal("the preprocessor names a file this client cannot read: " + f.path());
      }
      if (nostdinc || !under(p, builtin) || under(p, named)) {
        paths.add(p);
      }
    }
    List<PumpFile> files = new ArrayList<>(paths.size());
    long total = 0;
    for (Path p : paths) {
      if (p == null) {
        return new KeepLocal("the source's path cannot be read");
      }
      if (!Files.isRegularFile(p)) {
        return new KeepLocal(p + " is not a regular file");
      }
      byte[] content;
      try {
        content = Files.readAllBytes(p);
      } catch (IOException e) {
        return new KeepLocal("cannot read " + p + " to send it: " + e.getMessage());
      }
      for (byte[] word : UNSHIPPABLE) {
        if (Bytes.indexOf(content, word) >= 0) {
          return new KeepLocal(
              p
                  + " uses "
                  + new String(word, StandardCharsets.US_ASCII)
                  + ", which could read differently on the daemon");
        }
      }
      total += content.length;
      files.add(new PumpFile.Regular(p.toString(), content));
    }
    return new Shipped(files, total);
  }

  /** {@code path} resolved from {@code cwd} and normalized; null when it is no valid path. */
  private static Path absolute(Path cwd, String path) {
    try {
      return cwd.resolve(path).normalize();
    } catch (InvalidPathException e) {
      return null;
    }
  }

  private static boolean under(Path p, List<Path> dirs) {
    for (Path d : dirs) {
      if (d != null && p.startsWith(d)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
