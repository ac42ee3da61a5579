package dev.distcache.distribute.farm;

import dev.distcache.core.process.ProcessRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves {@code -march=native} and {@code -mtune=native} to the explicit options gcc's driver
 * gives cc1 on this machine ({@code gcc -### -march=native}), so such compiles can run on another
 * machine and give this machine's object. Results are cached per compiler and option for the
 * server's life (the CPU does not change under a running server).
 */
final class NativeFlags {
  private static final Map<String, Optional<List<String>>> CACHE = new ConcurrentHashMap<>();

  private NativeFlags() {}

  /**
   * The options {@code option} stands for with {@code compiler}; empty when they cannot be read.
   */
  static Optional<List<String>> resolve(
      ProcessRunner runner, Path compiler, String option, Map<String, String> env) {
    return CACHE.computeIfAbsent(
        compiler + "\0" + option, k -> query(runner, compiler, option, env));
  }

  private static Optional<List<String>> query(
      ProcessRunner runner, Path compiler, String option, Map<String, String> env) {
    Optional<String> report =
        CompilerReport.stderr(
            runner,
            List.of(
                compiler.toString(),
                "-###",
                option,
                "-c",
                "-x",
                "c",
                "/dev/null",
                "-o",
                "/dev/null"),
            env);
    if (report.isEmpty()) {
      return Optional.empty();
    }
    for (String line : report.get().split("\n")) {
      List<String> words = words(line);
      if (!words.isEmpty() && words.getFirst().endsWith("/cc1")) {
        return flags(words);
      }
    }
    return Optional.empty();
  }

  /**
   * The words after the input ({@code /dev/null}) up to the next {@code -quiet}: what the option
   * became.
   */
  static Optional<List<String>> flags(List<String> cc1) {
    int from = cc1.indexOf("/dev/null");
    if (from < 0) {
      return Optional.empty();
    }
    List<String> out = new ArrayList<>();
    for (String w : cc1.subList(from + 1, cc1.size())) {
      if (w.equals("-quiet")) {
        break;
      }
      out.add(w);
    }
    boolean plausible =
        out.stream().anyMatch(w -> w.startsWith("-march=") || w.startsWith("-mtune="))
            && out.stream().noneMatch(w -> w.endsWith("=native"));
    return plausible ? Optional.of(List.copyOf(out)) : Optional.empty();
  }

  /** Splits a {@code -###} line: words separated by spaces, double-quoted ones unquoted. */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '\\' && i + 1 < line.length()) {
        w.append(line.charAt(++i));
      } else if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (c == ' ' && !quoted) {
        if (any) {
          out.add(w.toString());
        }
        w.setLength(0);
        any = false;
      } else {
        w.append(c);
        any = true;
      }
    }
    if (any) {
      out.add(w.toString());
    }
    return out;
  }
}
