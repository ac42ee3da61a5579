package dev.distcache.server.pipeline;

import dev.distcache.core.process.Command;
import dev.distcache.core.process.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link ProcessRunner} for the unit tests of one pipeline class: it records every command, and
 * answers a preprocessor run ({@code -E}) with {@link #preprocessed} and a compile with {@link
 * #compile}, writing the {@code -o} file as gcc would when that compile succeeds.
 */
class FakeProcessRunner implements ProcessRunner {
  static final byte[] OBJECT = "\177ELF object".getBytes(StandardCharsets.UTF_8);

  final List<Command> commands = new CopyOnWriteArrayList<>();
  volatile byte[] preprocessed = "# 1 \"a.c\"\nint a;\n".getBytes(StandardCharsets.UTF_8);
  volatile Exec compile = new Exec(0, new byte[0], new byte[0]);
  volatile IOException failure;

  /** When set, a compile waits for it to open before it answers (a slow compile). */
  volatile CountDownLatch compileGate;

  @Override
  public Exec run(Command c) throws IOException {
    commands.add(c);
    List<String> argv = c.argv();
    if (argv.contains("-E")) {
      return new Exec(0, preprocessed, new byte[0]);
    }
    if (failure != null) {
      throw failure;
    }
    CountDownLatch gate = compileGate;
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    if (compile.exitCode() == 0 && !compile.timedOut()) {
      Files.write(c.cwd().resolve(argv.get(argv.indexOf("-o") + 1)), OBJECT);
    }
    return compile;
  }

  /** The commands that compiled (not the preprocessor runs). */
  List<Command> compiles() {
    return commands.stream().filter(c -> !c.argv().contains("-E")).toList();
  }
}
