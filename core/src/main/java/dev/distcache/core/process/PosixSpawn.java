package dev.distcache.core.process;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Starts a {@link Command} with glibc's {@code posix_spawn(3)} through java.lang.foreign, so the
 * program itself is the one exec. The JDK's launcher execs a helper (jspawnhelper) that then execs
 * the program, and a command with an {@linkplain Command#uncachedErrFile uncached descriptor}
 * needed a shell in front to open it: a miss paid three execs for its compile (about 1.5 ms here)
 * where this pays one, and a preprocessor run two where this pays one.
 *
 * <p>The child gets exactly what the JDK's launcher gives: descriptors 0 to 2 (and {@value
 * Command#UNCACHED_ERR_FD} when asked), every other one closed ({@code closefrom}), every signal at
 * its default disposition and none blocked, the command's directory and whole environment. The
 * program is looked up in the command's own PATH, as a shell would.
 *
 * <p>{@link #available()} is false, and {@link SystemProcessRunner} uses the JDK's launcher, when
 * any of the calls is missing (not glibc 2.34 or newer) or native access is not enabled for this
 * code (the short-lived Java client, which runs no compiles of its own that matter for speed).
 */
final class PosixSpawn {
  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 01;
  private static final int O_CREAT = 0100;
  private static final int O_TRUNC = 01000;
  private static final int O_APPEND = 02000;
  private static final int O_CLOEXEC = 02000000;
  private static final int POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final int POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final int EINTR = 4;

  /**
   * Room for glibc's {@code posix_spawn_file_actions_t} (80 bytes on 64-bit Linux), {@code
   * posix_spawnattr_t} (336) and {@code sigset_t} (128): more than any of them needs.
   */
  private static final long OPAQUE = 1024;

  private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
  private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO_OF =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private static final Calls CALLS = Calls.find();

  private PosixSpawn() {}

  /** True when processes can be started this way here. */
  static boolean available() {
    return CALLS != null;
  }

  /** The handles of the libc calls, or null when one is missing or native access is refused. */
  private record Calls(
      MethodHandle spawn,
      MethodHandle actionsInit,
      MethodHandle actionsDestroy,
      MethodHandle addOpen,
      MethodHandle addDup2,
      MethodHandle addChdir,
      MethodHandle addCloseFrom,
      MethodHandle attrInit,
      MethodHandle attrDestroy,
      MethodHandle attrSetFlags,
      MethodHandle attrSetSigMask,
      MethodHandle attrSetSigDefault,
      MethodHandle sigEmpty,
      MethodHandle sigFill,
      MethodHandle pipe2,
      MethodHandle close,
      MethodHandle waitpid,
      MethodHandle strerror) {

    static Calls find() {
      try {
        if (!PosixSpawn.class.getModule().isNativeAccessEnabled()) {
          return null;
        }
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        ValueLayout i = ValueLayout.JAVA_INT;
        ValueLayout p = ValueLayout.ADDRESS;
        return new Calls(
            handle(linker, libc, "posix_spawn", FunctionDescriptor.of(i, p, p, p, p, p, p)),
            handle(linker, libc, "posix_spawn_file_actions_init", FunctionDescriptor.of(i, p)),
            handle(linker, libc, "posix_spawn_file_actions_destroy", FunctionDescriptor.of(i, p)),
            handle(
                linker,
                libc,
                "posix_spawn_file_actions_addopen",
                FunctionDescriptor.of(i, p, i, p, i, i)),
            handle(
                linker,
                libc,
                "posix_spawn_file_actions_adddup2",
                FunctionDescriptor.of(i, p, i, i)),
            handle(
                linker,
                libc,
                "posix_spawn_file_actions_addchdir_np",
                FunctionDescriptor.of(i, p, p)),
            handle(
                linker,
                libc,
                "posix_spawn_file_actions_addclosefrom_np",
                FunctionDescriptor.of(i, p, i)),
            handle(linker, libc, "posix_spawnattr_init", FunctionDescriptor.of(i, p)),
            handle(linker, libc, "posix_spawnattr_destroy", FunctionDescriptor.of(i, p)),
            handle(
                linker,
                libc,
                "posix_spawnattr_setflags",
                FunctionDescriptor.of(i, p, ValueLayout.JAVA_SHORT)),
            handle(linker, libc, "posix_spawnattr_setsigmask", FunctionDescriptor.of(i, p, p)),
            handle(linker, libc, "posix_spawnattr_setsigdefault", FunctionDescriptor.of(i, p, p)),
            handle(linker, libc, "sigemptyset", FunctionDescriptor.of(i, p)),
            handle(linker, libc, "sigfillset", FunctionDescriptor.of(i, p)),
            handle(linker, libc, "pipe2", FunctionDescriptor.of(i, p, i)),
            handle(linker, libc, "close", FunctionDescriptor.of(i, i)),
            libc.find("waitpid")
                .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(i, i, p, i), ERRNO))
                .orElseThrow(),
            handle(linker, libc, "strerror", FunctionDescriptor.of(p, i)));
      } catch (RuntimeException | LinkageError e) {
        return null; // a call missing (not glibc 2.34+), or native access refused
      }
    }

    private static MethodHandle handle(
        Linker linker, SymbolLookup libc, String name, FunctionDescriptor fd) {
      return linker.downcallHandle(libc.find(name).orElseThrow(), fd);
    }
  }

  /**
   * Starts {@code c} as {@code argv}; its exit is awaited on {@code waiter} (a thread blocked in
   * {@code waitpid} for as long as the process runs).
   *
   * @throws IOException when it cannot be started: one line, the program, the directory and the
   *     system's reason
   */
  static Process start(Command c, List<String> argv, Executor waiter) throws IOException {
    String program = resolve(argv.getFirst(), c);
    int[] in = c.stdin() == null ? null : pipe();
    int[] out = c.stdoutFile() == null ? pipe() : null;
    int[] err = c.stderrFile() == null ? pipe() : null;
    int pid;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment actions = arena.allocate(OPAQUE, 16);
      MemorySegment attr = arena.allocate(OPAQUE, 16);
      check((int) CALLS.actionsInit().invokeExact(actions), "posix_spawn_file_actions_init");
      check((int) CALLS.attrInit().invokeExact(attr), "posix_spawnattr_init");
      try {
        fileActions(c, arena, actions, in, out, err);
        MemorySegment none = arena.allocate(OPAQUE, 16);
        MemorySegment all = arena.allocate(OPAQUE, 16);
        check((int) CALLS.sigEmpty().invokeExact(none), "sigemptyset");
        check((int) CALLS.sigFill().invokeExact(all), "sigfillset");
        check((int) CALLS.attrSetSigMask().invokeExact(attr, none), "posix_spawnattr_setsigmask");
        check(
            (int) CALLS.attrSetSigDefault().invokeExact(attr, all),
            "posix_spawnattr_setsigdefault");
        check(
            (int)
                CALLS
                    .attrSetFlags()
                    .invokeExact(attr, (short) (POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)),
            "posix_spawnattr_setflags");
        MemorySegment pidOut = arena.allocate(ValueLayout.JAVA_INT);
        int rc =
            (int)
                CALLS
                    .spawn()
                    .invokeExact(
                        pidOut,
                        arena.allocateFrom(program),
                        actions,
                        attr,
                        strings(arena, argv),
                        strings(arena, environment(c)));
        if (rc != 0) {
          throw new IOException(
              "cannot run " + argv.getFirst() + " in " + c.cwd() + ": " + strerror(rc));
        }
        pid = pidOut.get(ValueLayout.JAVA_INT, 0);
      } finally {
        int unused1 = (int) CALLS.actionsDestroy().invokeExact(actions);
        int unused2 = (int) CALLS.attrDestroy().invokeExact(attr);
      }
    } catch (IOException e) {
      closeAll(in, out, err);
      throw e;
    } catch (Throwable t) {
      closeAll(in, out, err);
      throw new IOException("cannot run " + argv.getFirst() + ": " + t, t);
    }
    // The child has its ends; the parent keeps the other ones, as streams.
    closeEnd(in, 0);
    closeEnd(out, 1);
    closeEnd(err, 1);
    return new Spawned(
        pid,
        in == null ? OutputStream.nullOutputStream() : output(in[1]),
        out == null ? InputStream.nullInputStream() : input(out[0]),
        err == null ? InputStream.nullInputStream() : input(err[0]),
        waiter);
  }

  private static void fileActions(
      Command c, Arena arena, MemorySegment actions, int[] in, int[] out, int[] err)
      throws Throwable {
    check(
        (int) CALLS.addChdir().invokeExact(actions, arena.allocateFrom(c.cwd().toString())),
        "posix_spawn_file_actions_addchdir_np");
    if (in == null) {
      open(arena, actions, 0, Path.of("/dev/null"), O_RDONLY);
    } else {
      dup2(actions, in[0], 0);
    }
    if (out == null) {
      open(arena, actions, 1, c.stdoutFile(), O_WRONLY | O_CREAT | O_TRUNC);
    } else {
      dup2(actions, out[1], 1);
    }
    if (err == null) {
      open(arena, actions, 2, c.stderrFile(), O_WRONLY | O_CREAT | O_TRUNC);
    } else {
      dup2(actions, err[1], 2);
    }
    int keep = 3;
    if (c.uncachedErrFile() != null) {
      open(
          arena,
          actions,
          Command.UNCACHED_ERR_FD,
          c.uncachedErrFile(),
          O_WRONLY | O_CREAT | O_APPEND);
      keep = Command.UNCACHED_ERR_FD + 1;
    }
    check(
        (int) CALLS.addCloseFrom().invokeExact(actions, keep),
        "posix_spawn_file_actions_addclosefrom_np");
  }

  private static void open(Arena arena, MemorySegment actions, int fd, Path file, int flags)
      throws Throwable {
    check(
        (int)
            CALLS
                .addOpen()
                .invokeExact(actions, fd, arena.allocateFrom(file.toString()), flags, 0666),
        "posix_spawn_file_actions_addopen");
  }

  private static void dup2(MemorySegment actions, int from, int to) throws Throwable {
    check((int) CALLS.addDup2().invokeExact(actions, from, to), "posix_spawn_file_actions_adddup2");
  }

  /** The environment as the process gets it: the command's, plus the uncached descriptor's name. */
  private static List<String> environment(Command c) {
    java.util.ArrayList<String> env = new java.util.ArrayList<>(c.env().size() + 1);
    for (Map.Entry<String, String> e : c.env().entrySet()) {
      if (c.uncachedErrFile() == null || !e.getKey().equals("UNCACHED_ERR_FD")) {
        env.add(e.getKey() + "=" + e.getValue());
      }
    }
    if (c.uncachedErrFile() != null) {
      env.add("UNCACHED_ERR_FD=" + Command.UNCACHED_ERR_FD);
    }
    return env;
  }

  /**
   * The program's path: as given when it holds a slash (against the command's directory), else the
   * first executable regular file of that name in the command's PATH, as execvp would find it.
   */
  private static String resolve(String program, Command c) throws IOException {
    if (program.contains("/")) {
      return c.cwd().resolve(program).toString();
    }
    String path = c.env().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":", -1)) {
      Path candidate = c.cwd().resolve(dir.isEmpty() ? "." : dir).resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new IOException(
        "cannot run " + program + " in " + c.cwd() + ": No such file or directory");
  }

  /** A NULL-terminated array of C strings. */
  private static MemorySegment strings(Arena arena, List<String> words) {
    MemorySegment array = arena.allocate(ValueLayout.ADDRESS, words.size() + 1L);
    for (int i = 0; i < words.size(); i++) {
      array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(words.get(i)));
    }
    array.setAtIndex(ValueLayout.ADDRESS, words.size(), MemorySegment.NULL);
    return array;
  }

  /** A pipe whose two descriptors are closed on exec (the child gets its end through dup2). */
  private static int[] pipe() throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
      int rc = (int) CALLS.pipe2().invokeExact(fds, O_CLOEXEC);
      if (rc != 0) {
        throw new IOException("cannot make a pipe for a process");
      }
      return new int[] {
        fds.getAtIndex(ValueLayout.JAVA_INT, 0), fds.getAtIndex(ValueLayout.JAVA_INT, 1)
      };
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("cannot make a pipe for a process: " + t, t);
    }
  }

  /**
   * A stream on pipe descriptor {@code fd}, which it takes over: Java cannot wrap a bare
   * descriptor, so the pipe is opened again through /proc and the original closed.
   */
  private static InputStream input(int fd) throws IOException {
    try {
      return new FileInputStream("/proc/self/fd/" + fd);
    } finally {
      close(fd);
    }
  }

  private static OutputStream output(int fd) throws IOException {
    try {
      return new FileOutputStream("/proc/self/fd/" + fd);
    } finally {
      close(fd);
    }
  }

  private static void closeEnd(int[] pipe, int end) {
    if (pipe != null) {
      close(pipe[end]);
    }
  }

  private static void closeAll(int[]... pipes) {
    for (int[] p : pipes) {
      if (p != null) {
        close(p[0]);
        close(p[1]);
      }
    }
  }

  private static void close(int fd) {
    try {
      int unused = (int) CALLS.close().invokeExact(fd);
    } catch (Throwable t) {
      // Nothing more to do about a descriptor that will not close.
    }
  }

  private static void check(int rc, String call) throws IOException {
    if (rc != 0) {
      throw new IOException(call + " failed: " + strerror(rc));
    }
  }

  private static String strerror(int errno) {
    try {
      MemorySegment s = (MemorySegment) CALLS.strerror().invokeExact(errno);
      return s.reinterpret(256).getString(0);
    } catch (Throwable t) {
      return "error " + errno;
    }
  }

  /**
   * Waits for {@code pid} to end and reaps it: its exit code, or 128 + the signal that ended it (as
   * the JDK reports it).
   */
  private static int await(int pid) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
      MemorySegment state = arena.allocate(CALL_STATE);
      while (true) {
        int rc = (int) CALLS.waitpid().invokeExact(state, pid, status, 0);
        if (rc == pid) {
          int s = status.get(ValueLayout.JAVA_INT, 0);
          int signal = s & 0x7f;
          return signal == 0 ? (s >> 8) & 0xff : 0x80 + signal;
        }
        if ((int) ERRNO_OF.get(state, 0L) != EINTR) {
          return 0x80 + 9; // gone without a status (reaped elsewhere): report it as killed
        }
      }
    } catch (Throwable t) {
      throw new IllegalStateException("waiting for process " + pid + ": " + t, t);
    }
  }

  /**
   * A process this class started. Its exit is the future a waiter thread completes; the process
   * handle (for TERM and KILL, and the descendants) is the system's while the process is there.
   */
  private static final class Spawned extends Process {
    private final int pid;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final CompletableFuture<Process> exited = new CompletableFuture<>();
    private volatile int exitCode;

    Spawned(int pid, OutputStream stdin, InputStream stdout, InputStream stderr, Executor waiter) {
      this.pid = pid;
      this.stdin = stdin;
      this.stdout = stdout;
      this.stderr = stderr;
      waiter.execute(() -> {
        try {
          exitCode = await(pid);
          exited.complete(this);
        } catch (RuntimeException e) {
          exited.completeExceptionally(e);
        }
      });
    }

    @Override
    public OutputStream getOutputStream() {
      return stdin;
    }

    @Override
    public InputStream getInputStream() {
      return stdout;
    }

    @Override
    public InputStream getErrorStream() {
      return stderr;
    }

    @Override
    public int waitFor() throws InterruptedException {
      try {
        exited.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
      return exitCode;
    }

    @Override
    public int exitValue() {
      if (!exited.isDone()) {
        throw new IllegalThreadStateException("process " + pid + " has not exited");
      }
      return exitCode;
    }

    @Override
    public boolean isAlive() {
      return !exited.isDone();
    }

    @Override
    public CompletableFuture<Process> onExit() {
      return exited.copy();
    }

    @Override
    public long pid() {
      return pid;
    }

    /** The system's handle while the process is there; once reaped its number may be reused. */
    @Override
    public ProcessHandle toHandle() {
      return handle().orElseThrow(() -> new IllegalStateException("process " + pid + " ended"));
    }

    private java.util.Optional<ProcessHandle> handle() {
      return exited.isDone() ? java.util.Optional.empty() : ProcessHandle.of(pid);
    }

    @Override
    public java.util.stream.Stream<ProcessHandle> descendants() {
      return handle().map(ProcessHandle::descendants).orElseGet(java.util.stream.Stream::empty);
    }

    @Override
    public void destroy() {
      handle().ifPresent(ProcessHandle::destroy);
    }

    @Override
    public Process destroyForcibly() {
      handle().ifPresent(ProcessHandle::destroyForcibly);
      return this;
    }
  }
}
