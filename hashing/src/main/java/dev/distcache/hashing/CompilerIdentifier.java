package dev.distcache.hashing;

import dev.distcache.core.process.Command;
import dev.distcache.core.process.ProcessRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Computes a compiler's identity for the key, per {@code compiler_check}: {@code mtime} (path, size
 * and modification time; the default), {@code content} (a hash of the binary), {@code none}, {@code
 * string:X}, or commands whose output identifies the compiler, read as ccache reads them: separated
 * by {@code ;}, each split on whitespace with no shell, a word {@code %compiler%} replaced by the
 * compiler's path, run in the compile's directory. Results are cached in memory, keyed by the
 * binary's path, size and times (and a command's directory), so a warm server stats the compiler
 * instead of re-reading or re-running anything. Thread-safe.
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
   * Identity of {@code compiler} (an absolute path), invoked under the name {@code invokedName}; a
   * check command runs in this process's directory.
   */
  public String identify(Path compiler, String invokedName, String check, Map<String, String> env)
      throws CheckFailedException {
    return identify(compiler, invokedName, check, env, Path.of("").toAbsolutePath());
  }

  /**
   * Identity of {@code compiler} (an absolute path), invoked under the name {@code invokedName}; a
   * check command runs in {@code cwd}, the compile's directory, as ccache runs it.
   */
  public String identify(
      Path compiler, String invokedName, String check, Map<String, String> env, Path cwd)
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
    boolean content = check.equals("content");
    String cacheKey =
        check
            + "\0"
            + stat
            + ":"
            + changeStamp(real)
            + (content ? "" : "\0" + cwd + "\0" + namedFileStamps(check, cwd));
    String cached = cache.get(cacheKey);
    if (cached != null) {
      return name + cached;
    }
    String identity =
        content
            ? "content:" + contentHash(real)
            : "command:" + runChecks(check, compiler, env, cwd);
    cache.put(cacheKey, identity);
    return name + identity;
  }

  /**
   * The state of every file a check command's words name (a script, a version file), so that a
   * remembered output is not reused after one of them changed; ccache runs the command each time.
   */
  private static String namedFileStamps(String check, Path cwd) {
    StringBuilder stamps = new StringBuilder();
    for (String word : check.split("[ \t\r\n;]+")) {
      if (word.isEmpty() || word.equals("%compiler%")) {
        continue;
      }
      try {
        Path file = cwd.resolve(word);
        if (Files.isRegularFile(file)) {
          BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
          stamps.append(word).append(':').append(a.size()).append(':');
          stamps.append(a.lastModifiedTime().to(TimeUnit.NANOSECONDS)).append(':');
          stamps.append(changeStamp(file)).append(';');
        }
      } catch (IOException | InvalidPathException | CheckFailedException e) {
        stamps.append(word).append(":?;"); // not a file, or unreadable: nothing to follow
      }
    }
    return stamps.toString();
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

  /** The hash of the commands' outputs, one after the other; each must exit 0. */
  private String runChecks(String checks, Path compiler, Map<String, String> env, Path cwd)
      throws CheckFailedException {
    ByteArrayOutputStream outputs = new ByteArrayOutputStream();
    for (String check : checks.split(";")) {
      if (check.isEmpty()) {
        continue; // ccache skips empty parts: "a;;b", a trailing ";"
      }
      outputs.writeBytes(runCheck(check, compiler, env, cwd));
    }
    return HexFormat.of().formatHex(Blake3.hash(outputs.toByteArray()));
  }

  /**
   * One command's stdout and stderr, in one stream as ccache reads it. The shell only joins the two
   * streams and finds the program in the compile's PATH, as execvp does; it interprets no word.
   */
  private byte[] runCheck(String check, Path compiler, Map<String, String> env, Path cwd)
      throws CheckFailedException {
    List<String> words = new ArrayList<>();
    for (String word : check.split("[ \t\r\n]+")) {
      if (!word.isEmpty()) {
        words.add(word.equals("%compiler%") ? compiler.toString() : word);
      }
    }
    String shown = String.join(" ", words);
    if (words.isEmpty()) {
      throw new CheckFailedException("empty compiler_check command in \"" + check + "\"");
    }
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\" 2>&1", "sh"));
    argv.addAll(words);
    // The runner reads the pipes on platform threads (a request's virtual thread never blocks its
    // carrier) and stops a check that outlives its limit as it stops any compile.
    Command command = Command.of(argv, env, cwd).withTimeLimit(COMMAND_TIMEOUT);
    ProcessRunner.Exec done;
    try {
      done = runner.run(command);
    } catch (IOException e) {
      throw new CheckFailedException(
          "cannot run compiler_check command " + shown + ": " + e.getMessage());
    }
    if (done.timedOut()) {
      throw new CheckFailedException("compiler_check command timed out: " + shown);
    }
    if (done.exitCode() != 0) {
      throw new CheckFailedException(
          "compiler_check command failed with exit code " + done.exitCode() + ": " + shown);
    }
    return done.stdout();
  }
}
