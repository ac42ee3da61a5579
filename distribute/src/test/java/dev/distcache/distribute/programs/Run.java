package dev.distcache.distribute.programs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a real program to completion and keeps what it printed. */
public record Run(int exit, byte[] stdout, String stderr) {
  public static Run of(Path cwd, Map<String, String> env, List<String> command) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
      pb.environment().putAll(env);
      Path err = Files.createTempFile("run", ".stderr");
      pb.redirectError(err.toFile());
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command + " did not finish within 120 s");
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      Files.delete(err);
      return new Run(p.exitValue(), out, stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Run of(Path cwd, String... command) {
    return of(cwd, Map.of(), List.of(command));
  }

  /** The run, or an error with everything it printed when it failed. */
  public Run ok(String what) {
    if (exit != 0) {
      throw new AssertionError(what + " exited " + exit + ": " + stderr);
    }
    return this;
  }

  public String out() {
    return new String(stdout, StandardCharsets.UTF_8);
  }
}
