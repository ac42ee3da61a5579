package dev.distcache.hashing;

import dev.distcache.core.process.Command;
import dev.distcache.core.process.ProcessRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Computes a compiler's identity for the key, per {@code compiler_check}: {@code mtime} (path, size
 * and modification time; the default), {@code content} (a hash of the binary), {@code none}, {@code
 * string:X}, or a command whose output identifies the compiler ({@code %compiler%} is replaced by
 * its path). Results are cached in memory, keyed by the binary's path, size and times, so a warm
 * server stats the compiler instead of re-reading or re-running anything. Thread-safe.
 */
public final class CompilerIdentifier {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
  private final Map<String, String> cache = new ConcurrentHashMap<>();
  private final ProcessRunner runner;

  public CompilerIdentifier() {
    this(ProcessRunner.system());
  }

  /** {@code runner} runs {@code compiler_check} commands. */
  public CompilerIdentifier(ProcessRunner runner) {
    this.runner = runner;
  }

  /** The compiler check failed (the command failed, or the binary cannot be read). */
  public static final class CheckFailedException extends Exception {
    public CheckFailedException(String message) {
      super(message);
    }
  }

  /**
   * Identity of {@code compiler} (an absolute path), invoked under the name {@code invokedName}.
   */
  public String identify(Path compiler, String invokedName, String check, Map<String, String> env)
      throws CheckFailedException {
    BasicFileAttributes attrs;
    Path real;
    try {
      real = compiler.toRealPath();
      attrs = Files.readAttributes(real, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new CheckFailedException("cannot stat compiler " + compiler + ": " + e.getMessage());
    }
    String stat =
        real + ":" + attrs.size() + ":" + attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    String name = "name=" + invokedName.substring(invokedName.lastIndexOf('/') + 1) + ";";
    if (check.equals("mtime")) {
      return name + "mtime:" + stat;
    }
    if (check.equals("none")) {
      return name + "none";
    }
    if (check.startsWith("string:")) {
      return name + check;
    }
    // Content and command results are reused only while the binary is provably unchanged: a
    // rewrite that keeps size and mtime still changes ctime (and a replacement the inode).
    String cacheKey = check + "\0" + stat + ":" + changeStamp(real);
    String cached = cache.get(cacheKey);
    if (cached != null) {
      return name + cached;
    }
    String identity =
        check.equals("content")
            ? "content:" + contentHash(real)
            : "command:" + runCheck(check, compiler, env);
    cache.put(cacheKey, identity);
    return name + identity;
  }

  private static String changeStamp(Path real) throws CheckFailedException {
    try {
      Map<String, Object> a = Files.readAttributes(real, "unix:ctime,ino,dev");
      return a.get("ctime") + ":" + a.get("ino") + ":" + a.get("dev");
    } catch (IOException | UnsupportedOperationException e) {
      throw new CheckFailedException("cannot stat compiler " + real + ": " + e.getMessage());
    }
  }

  private static String contentHash(Path real) throws CheckFailedException {
    Blake3 h = new Blake3();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(real)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        h.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new CheckFailedException("cannot read compiler " + real + ": " + e.getMessage());
    }
    return HexFormat.of().formatHex(h.digest());
  }

  private String runCheck(String command, Path compiler, Map<String, String> env)
      throws CheckFailedException {
    String cmd = command.replace("%compiler%", compiler.toString());
    // stderr joins stdout in one stream, as ccache hashes the command's whole output. The runner
    // reads the pipes on platform threads (a request's virtual thread never blocks its carrier)
    // and stops a check that outlives its limit as it stops any compile.
    Command check =
        Command.of(List.of("/bin/sh", "-c", "exec 2>&1\n" + cmd), env, Path.of("").toAbsolutePath())
            .withTimeLimit(COMMAND_TIMEOUT);
    ProcessRunner.Exec done;
    try {
      done = runner.run(check);
    } catch (IOException e) {
      throw new CheckFailedException(
          "cannot run compiler_check command " + cmd + ": " + e.getMessage());
    }
    if (done.timedOut()) {
      throw new CheckFailedException("compiler_check command timed out: " + cmd);
    }
    if (done.exitCode() != 0) {
      throw new CheckFailedException(
          "compiler_check command failed with exit code " + done.exitCode() + ": " + cmd);
    }
    return HexFormat.of().formatHex(Blake3.hash(done.stdout()));
  }
}
