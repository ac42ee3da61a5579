package dev.distcache.distribute.farm;

import dev.distcache.core.process.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the compiler's driver reports on stderr when asked about itself ({@code -###}, {@code -E
 * -v}), run from {@code /} with the compile's environment: {@link NativeFlags} and {@link
 * BuiltinIncludeDirs} read it.
 */
final class CompilerReport {
  private CompilerReport() {}

  /** The stderr of {@code argv}; empty when it cannot be run or does not exit 0. */
  static Optional<String> stderr(ProcessRunner runner, List<String> argv, Map<String, String> env) {
    ProcessRunner.Exec exec;
    try {
      exec = runner.run(argv, env, Path.of("/"));
    } catch (IOException e) {
      return Optional.empty();
    }
    return exec.exitCode() == 0
        ? Optional.of(new String(exec.stderr(), StandardCharsets.UTF_8))
        : Optional.empty();
  }
}
