package dev.distcache.server.outputs;

import dev.distcache.core.args.Classification;
import dev.distcache.core.args.FileKind;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.LineMarkers;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which of a compile's files the server may read and write for the client. The server is another
 * process: it cannot read the client's standard input ({@code /dev/stdin}, {@code /dev/fd/0}), a
 * FIFO can be read only once, and replacing a device, FIFO or symbolic link with a regular file is
 * not what the compiler does (it opens and writes through; only the assembler replaces a link to a
 * regular file). Such compiles are the client's to run. {@code /dev/null} is the exception, as in
 * ccache: it reads empty, and a hit writes nothing there.
 */
public final class LocalFiles {
  private LocalFiles() {}

  /**
   * Why the client must compile {@code inv} itself, or empty when its source and outputs are the
   * server's to handle.
   */
  public static Optional<Classification.Uncacheable> check(Invocation inv, Path cwd) {
    FileKind source = kind(cwd, inv.source(), true);
    if (source == FileKind.OTHER || source == FileKind.ABSENT) {
      // ccache takes a name that is not a regular file for an option, so a missing source leaves
      // it without an input file.
      return Optional.of(
          new Classification.Uncacheable(
              Counter.NO_INPUT_FILE,
              "the source "
                  + inv.source()
                  + (source == FileKind.ABSENT ? " does not exist" : " is not a regular file")));
    }
    List<String> outputs = new ArrayList<>();
    if (inv.objectExpected()) {
      outputs.add(inv.output());
    }
    inv.depFile().ifPresent(outputs::add);
    inv.dwoFile().ifPresent(outputs::add);
    inv.sideOutputs().forEach(side -> outputs.add(side.path()));
    for (String out : outputs) {
      FileKind k = kind(cwd, out, false);
      if (k == FileKind.LINK && !inv.assembly() && out.equals(inv.output())) {
        // The assembler replaces a link to a regular file (binutils' bfd_openw unlinks it), as a
        // hit does; through any other link it writes.
        k = kind(cwd, out, true) == FileKind.REGULAR ? FileKind.REGULAR : FileKind.OTHER;
      }
      if (k == FileKind.LINK || k == FileKind.OTHER) {
        return Optional.of(
            new Classification.Uncacheable(
                Counter.BAD_OUTPUT_FILE, "the output " + out + " is not a regular file"));
      }
    }
    return Optional.empty();
  }

  /**
   * The first file that {@code read} names (paths as the compiler wrote them) that is not the
   * server's to read (see {@link FileKind#probe}), or empty. A file that is not there is fine: a
   * {@code #line} directive (bison, flex) names files the compiler never opens.
   */
  public static Optional<String> irregular(List<LineMarkers.MarkedFile> read, Path cwd) {
    for (LineMarkers.MarkedFile m : read) {
      Path p;
      try {
        p = cwd.resolve(m.path());
      } catch (InvalidPathException e) {
        return Optional.of(m.path());
      }
      if (FileKind.probe(p, true) == FileKind.OTHER) {
        return Optional.of(m.path());
      }
    }
    return Optional.empty();
  }

  private static FileKind kind(Path cwd, String path, boolean followLast) {
    try {
      return FileKind.probe(cwd.resolve(path), followLast);
    } catch (InvalidPathException e) {
      return FileKind.OTHER;
    }
  }
}
