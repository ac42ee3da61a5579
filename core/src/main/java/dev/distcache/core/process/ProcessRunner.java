package dev.distcache.core.process;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs a command to completion with a given environment and directory, capturing its output.
 *
 * <p>Threads: the caller is usually a request's virtual thread. A read of a process's pipe blocks
 * the thread that makes it in the kernel, and a virtual thread blocked there holds its carrier; a
 * few compilers that hang would then hold every carrier and stop every other request, hits and
 * administration included. So the pipes are read on platform threads of their own, and the caller
 * only waits for futures (and the JDK's process reaper), which releases its carrier.
 */
public final class ProcessRunner {
  /**
   * Reads the pipes of running processes: two platform threads per running process, kept a minute
   * for the next ones. Unbounded on purpose: a bound would leave the pipes of some processes
   * unread, and a process whose pipe is full never ends. Running processes are bounded by the
   * requests.
   */
  private static final ExecutorService PIPES =
      Executors.newCachedThreadPool(
          Thread.ofPlatform().daemon().name("distcache-process-io-", 0).factory());

  private ProcessRunner() {}

  /** Exit code (128 + signal when killed), stdout and stderr of a finished process. */
  public record Exec(int exitCode, byte[] stdout, byte[] stderr) {}

  /**
   * Runs {@code cmd} with stdin from /dev/null; both output streams are drained concurrently. Under
   * a {@link Cancellation} (the request's client may go away) the process is registered there, and
   * a run it stopped throws {@link Cancellation.CancelledException}.
   */
  public static Exec run(List<String> cmd, Map<String, String> env, Path cwd) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(cwd.toFile())
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
    CompletableFuture<byte[]> out = drain(p.getInputStream());
    CompletableFuture<byte[]> err = drain(p.getErrorStream());
    try {
      int code = p.onExit().get().exitValue();
      return new Exec(code, out.get(), err.get());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command);
    } catch (ExecutionException e) {
      throw new IOException(
          "cannot read the output of " + command + ": " + e.getCause().getMessage());
    }
  }

  private static CompletableFuture<byte[]> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (InputStream in = stream) {
            return in.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        PIPES);
  }
}
