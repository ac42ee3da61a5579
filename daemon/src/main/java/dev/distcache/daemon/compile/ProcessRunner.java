package dev.distcache.daemon.compile;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Runs a command to completion with a given environment and directory, capturing its output. */
public final class ProcessRunner {
  private ProcessRunner() {}

  /** Exit code (128 + signal when killed), stdout and stderr of a finished process. */
  public record Exec(int exitCode, byte[] stdout, byte[] stderr) {}

  /**
   * Runs {@code cmd} with stdin from /dev/null; both output streams are drained concurrently.
   * Under a {@link Cancellation} (the request's client may go away) the process is registered
   * there, and a run it stopped throws {@link Cancellation.CancelledException}.
   */
  public static Exec run(List<String> cmd, Map<String, String> env, Path cwd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    Cancellation cancellation = Cancellation.current();
    if (cancellation == null) {
      return collect(p, cmd.get(0));
    }
    try {
      cancellation.register(p, cmd.get(0));
      Exec exec = collect(p, cmd.get(0));
      if (cancellation.isCancelled()) {
        throw new Cancellation.CancelledException(cmd.get(0));
      }
      return exec;
    } finally {
      cancellation.unregister(p);
    }
  }

  private static Exec collect(Process p, String command) throws IOException {
    CompletableFuture<byte[]> err = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> drain(p.getErrorStream(), err));
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    try {
      int code = p.waitFor();
      return new Exec(code, out, err.get());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command);
    } catch (ExecutionException e) {
      throw new IOException("cannot read the stderr of " + command + ": " + e.getCause().getMessage());
    }
  }

  private static void drain(InputStream in, CompletableFuture<byte[]> into) {
    try (in) {
      into.complete(in.readAllBytes());
    } catch (IOException e) {
      into.completeExceptionally(e);
    }
  }
}
