package dev.distcache.remote.job;

import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.remote.policy.JobRefused;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Pump mode's view of paths in the arguments: the daemon recreates the client's files under a
 * temporary root, so, as distccd does, absolute include directories, included files, the input and
 * the old side of prefix maps get the root in front. Every path an include option or the input
 * names must stay inside the root once resolved from the client's working directory; symbolic links
 * under the root only ever point downwards (see {@link PumpTree}), so a lexical check is enough.
 */
final class PumpPaths {
  private static final List<String> INCLUDE_OPTIONS =
      List.of(
              "-I",
              "-include",
              "-imacros",
              "-idirafter",
              "-iprefix",
              "-iwithprefix",
              "-iwithprefixbefore",
              "-isystem",
              "-iquote")
          .stream()
          .sorted(Comparator.comparingInt(String::length).reversed())
          .toList();
  private static final List<String> PREFIX_MAPS =
      List.of(
          "-ffile-prefix-map=",
          "-fmacro-prefix-map=",
          "-fdebug-prefix-map=",
          "-fprofile-prefix-map=");

  private PumpPaths() {}

  /**
   * {@code args} with the paths moved under {@code root}; refuses a path that would leave it.
   *
   * @param cwd the client's working directory (absolute, checked by {@link PumpTree#checkCwd})
   */
  static List<String> rewrite(List<String> args, int sourceIndex, String root, String cwd)
      throws JobRefused {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (i == sourceIndex) {
        out.add(inRoot(a, root, cwd, "the input"));
        continue;
      }
      if (INCLUDE_OPTIONS.contains(a) && i + 1 < args.size()) {
        out.add(a);
        out.add(inRoot(args.get(++i), root, cwd, a));
        continue;
      }
      String joined = joinedInclude(a);
      if (joined != null) {
        out.add(joined + inRoot(a.substring(joined.length()), root, cwd, joined));
        continue;
      }
      String map = prefixMap(a);
      if (map != null && a.startsWith("/", map.length())) {
        out.add(map + root + a.substring(map.length()));
        continue;
      }
      out.add(a);
      if (ArgsClassifier.takesSeparateValue(a) && i + 1 < args.size()) {
        out.add(args.get(++i));
      }
    }
    return out;
  }

  /**
   * Where a split-DWARF job writes its output: the client's {@code -o} path moved under {@code
   * root} as the include paths are (the object names its {@code .dwo} by it); refuses a path that
   * would leave the root.
   */
  static String output(String output, String root, String cwd) throws JobRefused {
    return inRoot(output, root, cwd, "-o");
  }

  /** Checks the paths of {@code args} without a real root, before anything is written. */
  static void check(List<String> args, int sourceIndex, String cwd) throws JobRefused {
    rewrite(args, sourceIndex, "/distcache-root", cwd);
  }

  private static String joinedInclude(String a) {
    for (String o : INCLUDE_OPTIONS) {
      if (a.startsWith(o) && a.length() > o.length()) {
        return o;
      }
    }
    return null;
  }

  private static String prefixMap(String a) {
    for (String m : PREFIX_MAPS) {
      if (a.startsWith(m)) {
        return m;
      }
    }
    return null;
  }

  private static String inRoot(String p, String root, String cwd, String what) throws JobRefused {
    String server = p.startsWith("/") ? root + p : p;
    Path resolved;
    try {
      Path rootPath = Path.of(root);
      resolved = (p.startsWith("/") ? Path.of(server) : Path.of(root + cwd).resolve(p)).normalize();
      if (resolved.startsWith(rootPath)) {
        return server;
      }
    } catch (InvalidPathException e) {
      throw new JobRefused(what + " names an invalid path \"" + p + "\"");
    }
    throw new JobRefused(
        what
            + " \""
            + p
            + "\" leads out of the client's files (pump mode keeps every path inside"
            + " the job's directory)");
  }
}
