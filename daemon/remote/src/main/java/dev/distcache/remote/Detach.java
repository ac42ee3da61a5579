package dev.distcache.remote;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code --daemon} without {@code --no-detach}: Java cannot fork, so the daemon starts itself again
 * in a session of its own and returns once the copy listens (or reports why it could not start).
 * The copy finds the file to create when ready in {@link #READY_VARIABLE}; its output goes to
 * {@code daemon.out} in the cache directory.
 */
final class Detach {
  /** Set in the detached copy's environment: the file it creates once it listens. */
  static final String READY_VARIABLE = "DISTCACHE_DAEMON_READY_FILE";

  private static final long START_MILLIS = 30_000;

  private Detach() {}

  /** Starts the detached copy and waits for it; returns the exit code for the parent. */
  static int spawn(DaemonOptions o) {
    ProcessHandle.Info info = ProcessHandle.current().info();
    Optional<String> command = info.command();
    Optional<String[]> arguments = info.arguments();
    if (command.isEmpty() || arguments.isEmpty()) {
      System.err.println(
          "distcache daemon: error: cannot find this process's command line to detach; run with"
              + " --no-detach");
      return 1;
    }
    try {
      Files.createDirectories(o.cacheDir());
      Path ready = Files.createTempFile(o.cacheDir(), "daemon", ".ready");
      Files.delete(ready);
      Path output = o.cacheDir().resolve("daemon.out");
      List<String> cmd = new ArrayList<>();
      if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
        cmd.add("/usr/bin/setsid");
      }
      cmd.add(command.get());
      cmd.addAll(List.of(arguments.get()));
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
              .redirectError(ProcessBuilder.Redirect.appendTo(output.toFile()));
      pb.environment().put(READY_VARIABLE, ready.toString());
      long before = Files.exists(output) ? Files.size(output) : 0;
      Process p = pb.start();
      long deadline = System.nanoTime() + START_MILLIS * 1_000_000;
      while (System.nanoTime() < deadline) {
        if (Files.exists(ready) && Files.size(ready) > 0) {
          System.err.print(Files.readString(ready));
          Files.deleteIfExists(ready);
          return 0;
        }
        if (!p.isAlive()) {
          System.err.print(tail(output, before));
          return p.exitValue() == 0 ? 1 : p.exitValue();
        }
        Thread.sleep(20);
      }
      System.err.println(
          "distcache daemon: error: the detached daemon did not start within "
              + START_MILLIS / 1000
              + " s; see "
              + output);
      return 1;
    } catch (IOException e) {
      System.err.println("distcache daemon: error: cannot detach: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /**
   * Tells the parent, if there is one waiting, that the daemon listens; it prints {@code message}.
   */
  static void ready(String message) {
    String file = System.getenv(READY_VARIABLE);
    if (file != null && !file.isEmpty()) {
      try {
        Path tmp = Path.of(file + ".tmp");
        Files.writeString(tmp, message);
        Files.move(tmp, Path.of(file), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        System.err.println(
            "distcache daemon: cannot tell the parent process it started: " + e.getMessage());
      }
    }
  }

  static boolean isDetachedCopy() {
    return System.getenv(READY_VARIABLE) != null;
  }

  private static String tail(Path output, long from) throws IOException {
    if (!Files.exists(output)) {
      return "";
    }
    byte[] all = Files.readAllBytes(output);
    int start = (int) Math.min(from, all.length);
    return new String(all, start, all.length - start, StandardCharsets.UTF_8);
  }
}
