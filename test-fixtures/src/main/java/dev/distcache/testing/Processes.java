package dev.distcache.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs real programs for the tests, with a time limit so that a hang fails instead of blocking CI.
 */
public final class Processes {
  public static final long TIMEOUT_SECONDS = 600;

  private Processes() {}

  public static Run run(Path cwd, Map<String, String> env, List<String> cmd) {
    return run(cwd, env, cmd, TIMEOUT_SECONDS);
  }

  /** Runs {@code cmd}, killing it and everything it started after {@code timeoutSeconds}. */
  public static Run run(Path cwd, Map<String, String> env, List<String> cmd, long timeoutSeconds) {
    return run(cwd, env, cmd, timeoutSeconds, Path.of("/dev/null"));
  }

  /**
   * Runs {@code cmd} in this JVM's environment with {@code env} added (not replacing it), killing
   * it and everything it started after {@code timeoutSeconds}.
   */
  public static Run runInherited(
      Path cwd, Map<String, String> env, List<String> cmd, long timeoutSeconds) {
    Map<String, String> all = new java.util.HashMap<>(System.getenv());
    all.putAll(env);
    return run(cwd, all, cmd, timeoutSeconds);
  }

  /** Runs {@code cmd} with {@code stdin} as its standard input. */
  public static Run run(
      Path cwd, Map<String, String> env, List<String> cmd, long timeoutSeconds, Path stdin) {
    ProcessBuilder pb =
        new ProcessBuilder(resolve(cmd, env, cwd))
            .directory(cwd.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()));
    pb.environment().clear();
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      CompletableFuture<byte[]> err = drain(p.getErrorStream());
      CompletableFuture<byte[]> out = drain(p.getInputStream());
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError(
            "timed out after "
                + timeoutSeconds
                + " s (a wrapper loop?): "
                + cmd
                + " with PATH="
                + env.get("PATH"));
      }
      return new Run(p.exitValue(), out.get(60, TimeUnit.SECONDS), err.get(60, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new AssertionError("running " + cmd + ": " + e, e);
    }
  }

  /**
   * Resolves a bare command name against the child's PATH, as a shell would (Java uses its own).
   */
  private static List<String> resolve(List<String> cmd, Map<String, String> env, Path cwd) {
    String name = cmd.get(0);
    if (name.contains("/")) {
      return cmd;
    }
    for (String dir : env.getOrDefault("PATH", "").split(":")) {
      Path candidate = cwd.resolve(dir.isEmpty() ? "." : dir).resolve(name);
      if (java.nio.file.Files.isExecutable(candidate)
          && !java.nio.file.Files.isDirectory(candidate)) {
        List<String> out = new java.util.ArrayList<>(cmd);
        out.set(0, candidate.toString());
        return out;
      }
    }
    return cmd;
  }

  /**
   * Reads {@code in} to its end on a thread of its own. Not the common pool: on a 2-core machine
   * that has one worker, and a test that runs a program from a pool task (a compile in the
   * background) would leave every other program's output unread until it ended.
   */
  public static CompletableFuture<byte[]> drain(InputStream in) {
    CompletableFuture<byte[]> bytes = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("drain")
        .start(() -> {
          try {
            bytes.complete(readAll(in));
          } catch (RuntimeException e) {
            bytes.completeExceptionally(e);
          }
        });
    return bytes;
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
