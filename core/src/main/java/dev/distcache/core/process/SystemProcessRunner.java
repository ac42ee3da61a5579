package dev.distcache.core.process;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link ProcessRunner} that starts real processes.
 *
 * <p>Threads: the caller is usually a request's virtual thread. A read of a process's pipe blocks
 * the thread that makes it in the kernel, and a virtual thread blocked there holds its carrier; a
 * few compilers that hang would then hold every carrier and stop every other request, hits and
 * administration included. So the pipes are read (and stdin written) on platform threads of their
 * own, and the caller only waits for futures (and the JDK's process reaper), which releases its
 * carrier. Not {@code Process.waitFor} either: before JDK 24 its Object.wait holds the carrier.
 */
final class SystemProcessRunner implements ProcessRunner {
  /**
   * Uses {@link PosixSpawn} when it is available, which it tells at the first process it starts:
   * making its native call handles takes a young JVM about 80 ms of CPU, which a server that starts
   * for a build of hits (it starts no process) should not spend, nor wait for before it listens.
   */
  static final SystemProcessRunner INSTANCE = new SystemProcessRunner(null);

  /** The runner that always uses the JDK's launcher (for tests of that path). */
  static final SystemProcessRunner JDK_LAUNCHER = new SystemProcessRunner(false);

  /** How long a process may take to exit after TERM before it gets KILL. */
  static final long GRACE_MILLIS = 2_000;

  private static final byte[] NONE = new byte[0];

  /**
   * Reads and writes the pipes of running processes: up to three platform threads per running
   * process, kept a minute for the next ones. Unbounded on purpose: a bound would leave the pipes
   * of some processes unread, and a process whose pipe is full never ends. Running processes are
   * bounded by the requests.
   */
  private static final ExecutorService PIPES =
      Executors.newCachedThreadPool(
          Thread.ofPlatform().daemon().name("distcache-process-io-", 0).factory());

  /**
   * Whether processes start through {@link PosixSpawn} rather than the JDK's launcher; null: when
   * it is available.
   */
  private final Boolean posixSpawn;

  private SystemProcessRunner(Boolean posixSpawn) {
    this.posixSpawn = posixSpawn;
  }

  @Override
  public Exec run(Command c) throws IOException {
    Cancellation cancellation =
        c.cancellation() != null ? c.cancellation() : Cancellation.current();
    if (cancellation != null && cancellation.isCancelled()) {
      throw new Cancellation.CancelledException(c.program());
    }
    Process p = start(c);
    if (cancellation == null) {
      return collect(p, c);
    }
    try {
      cancellation.register(p, c.program());
      Exec exec = collect(p, c);
      if (cancellation.isCancelled()) {
        throw new Cancellation.CancelledException(c.program());
      }
      return exec;
    } finally {
      cancellation.unregister(p);
    }
  }

  private Process start(Command c) throws IOException {
    if (posixSpawn == null ? PosixSpawn.available() : posixSpawn) {
      return PosixSpawn.start(c, c.argv(), PIPES);
    }
    ProcessBuilder pb =
        new ProcessBuilder(c.uncachedErrFile() == null ? c.argv() : withUncachedErr(c))
            .directory(c.cwd().toFile())
            .redirectInput(
                c.stdin() == null
                    ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                    : ProcessBuilder.Redirect.PIPE);
    if (c.stdoutFile() != null) {
      pb.redirectOutput(c.stdoutFile().toFile());
    }
    if (c.stderrFile() != null) {
      pb.redirectError(c.stderrFile().toFile());
    }
    pb.environment().clear();
    pb.environment().putAll(c.env());
    if (c.uncachedErrFile() != null) {
      pb.environment().put("UNCACHED_ERR_FD", Integer.toString(Command.UNCACHED_ERR_FD));
    }
    try {
      return pb.start();
    } catch (IOException e) {
      throw new IOException("cannot run " + c.program() + " in " + c.cwd() + ": " + reason(e), e);
    }
  }

  /**
   * The argv that opens the uncached descriptor and then becomes the command: a JVM starts a
   * process with descriptors 0 to 2 only, so a shell opens the extra one and execs the command,
   * whose words it passes on as they are. The program is looked up first, so a missing one fails to
   * start as it would without the shell.
   */
  private static List<String> withUncachedErr(Command c) throws IOException {
    String program = c.program();
    if (!runnable(program, c)) {
      throw new IOException(
          "cannot run " + program + " in " + c.cwd() + ": No such file or directory");
    }
    List<String> argv = new ArrayList<>();
    argv.add("/bin/sh");
    argv.add("-c");
    argv.add("exec " + Command.UNCACHED_ERR_FD + ">>\"$0\" && exec \"$@\"");
    argv.add(c.uncachedErrFile().toString());
    argv.addAll(c.argv());
    return argv;
  }

  /**
   * Whether {@code program} names an executable file, found as execvp would in the command's PATH.
   */
  private static boolean runnable(String program, Command c) {
    if (program.contains("/")) {
      return Files.isExecutable(c.cwd().resolve(program));
    }
    String path = c.env().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":", -1)) {
      Path candidate = c.cwd().resolve(dir.isEmpty() ? "." : dir).resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The system's reason from the JDK's message ({@code error=2, No such file or directory}, or with
   * the posix_spawn launcher {@code Exec failed, error: 2 (No such file or directory)}).
   */
  private static String reason(IOException e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String m = String.valueOf(cause.getMessage()).strip();
    int open = m.lastIndexOf('(');
    if (m.endsWith(")") && open >= 0) {
      return m.substring(open + 1, m.length() - 1);
    }
    int comma = m.startsWith("error=") ? m.indexOf(", ") : -1;
    return comma >= 0 ? m.substring(comma + 2) : m;
  }

  private static Exec collect(Process p, Command c) throws IOException {
    CompletableFuture<byte[]> out =
        c.stdoutFile() == null
            ? drain(p.getInputStream(), c.stdoutCopy())
            : CompletableFuture.completedFuture(NONE);
    CompletableFuture<byte[]> err =
        c.stderrFile() == null
            ? drain(p.getErrorStream(), null)
            : CompletableFuture.completedFuture(NONE);
    if (c.stdin() != null) {
      feed(p.getOutputStream(), c.stdin());
    }
    try {
      boolean timedOut = !exited(p, c);
      if (timedOut) {
        stop(p);
        p.onExit().get();
      }
      return new Exec(p.exitValue(), out.get(), err.get(), timedOut);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(p); // the interrupt is still set: TERM, then KILL at once
      throw new IOException("interrupted while running " + c.program());
    } catch (ExecutionException e) {
      throw new IOException(
          "cannot read the output of " + c.program() + ": " + e.getCause().getMessage());
    }
  }

  /** Waits for the process within its time limit; false when the limit ran out first. */
  private static boolean exited(Process p, Command c)
      throws InterruptedException, ExecutionException {
    if (c.timeLimit() == null) {
      p.onExit().get();
      return true;
    }
    try {
      p.onExit().get(c.timeLimit().toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  /**
   * The one way a process is stopped: TERM to the process, then to its descendants (gcc's cc1 and
   * as; in this order, so a shell script does not get to run its next command in between); once the
   * process has exited (it may clean up its temporary files first) or {@link #GRACE_MILLIS} are
   * over, KILL to what is left. Only the process itself is waited for: the others are not this
   * JVM's children, and one that has died stays visible until init reaps it. With this thread
   * interrupted, KILL follows TERM at once.
   */
  static void stop(Process p) {
    List<ProcessHandle> tree = new ArrayList<>();
    if (p.isAlive()) {
      try {
        tree.add(p.toHandle());
      } catch (IllegalStateException ended) {
        // It ended and was reaped just now: only its descendants may be left.
      }
    }
    p.descendants().forEach(tree::add);
    tree.forEach(ProcessHandle::destroy);
    try {
      p.onExit().get(GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Still running after the grace period: killed below.
    }
    for (ProcessHandle h : tree) {
      List<ProcessHandle> started = h.descendants().toList();
      h.destroyForcibly();
      started.forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** Reads the stream to its end, also into {@code copy} (if not null) as each chunk arrives. */
  private static CompletableFuture<byte[]> drain(InputStream stream, OutputStream copy) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (InputStream in = stream) {
            return copy == null ? in.readAllBytes() : readAllCopying(in, copy);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        PIPES);
  }

  private static byte[] readAllCopying(InputStream in, OutputStream copy) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream(CHUNK);
    byte[] chunk = new byte[CHUNK];
    for (int n; (n = in.read(chunk)) >= 0; ) {
      copy.write(chunk, 0, n);
      all.write(chunk, 0, n);
    }
    return all.toByteArray();
  }

  /** A pipe's capacity on Linux: what one read can return. */
  private static final int CHUNK = 64 * 1024;

  /** Writes stdin and closes it; a process that exits without reading it all is not an error. */
  private static void feed(OutputStream stream, byte[] bytes) {
    PIPES.execute(() -> {
      try (OutputStream out = stream) {
        out.write(bytes);
      } catch (IOException e) {
        // The process closed its stdin or exited: what it did not read, it did not want.
      }
    });
  }
}
