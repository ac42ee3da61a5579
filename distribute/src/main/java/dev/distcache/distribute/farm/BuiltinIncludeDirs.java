package dev.distcache.distribute.farm;

import dev.distcache.core.args.Language;
import dev.distcache.core.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A compiler's built-in include directories for a language, as its preprocessor lists them under
 * {@code #include <...> search starts here:} ({@code -E -v} of an empty input, with no option of
 * the compile's). Cached per compiler, its change time and the language.
 */
final class BuiltinIncludeDirs {
  private static final Map<String, Optional<List<Path>>> CACHE = new ConcurrentHashMap<>();
  private static final String START = "#include <...> search starts here:";
  private static final String END = "End of search list.";

  private BuiltinIncludeDirs() {}

  /** The directories, normalized; empty when the compiler does not list them. */
  static Optional<List<Path>> of(
      ProcessRunner runner, Path compiler, Language language, Map<String, String> env) {
    String name =
        switch (language) {
          case CXX -> "c++";
          case OBJC -> "objective-c";
          case OBJCXX -> "objective-c++";
          default -> "c";
        };
    long changed;
    try {
      changed = Files.getLastModifiedTime(compiler).toMillis();
    } catch (IOException e) {
      return Optional.empty();
    }
    return CACHE.computeIfAbsent(
        compiler + "\0" + changed + "\0" + name, k -> query(runner, compiler, name, env));
  }

  private static Optional<List<Path>> query(
      ProcessRunner runner, Path compiler, String language, Map<String, String> env) {
    return CompilerReport.stderr(
            runner,
            List.of(
                compiler.toString(), "-x", language, "-E", "-v", "/dev/null", "-o", "/dev/null"),
            env)
        .flatMap(BuiltinIncludeDirs::parse);
  }

  /** The list in {@code verbose}, the preprocessor's {@code -v} report. */
  static Optional<List<Path>> parse(String verbose) {
    List<Path> dirs = new ArrayList<>();
    boolean in = false;
    for (String line : verbose.split("\n")) {
      if (line.equals(START)) {
        in = true;
      } else if (line.equals(END)) {
        return in ? Optional.of(List.copyOf(dirs)) : Optional.empty();
      } else if (in && line.startsWith(" ")) {
        try {
          Path p = Path.of(line.strip()).normalize();
          if (p.isAbsolute()) {
            dirs.add(p);
          }
        } catch (InvalidPathException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
