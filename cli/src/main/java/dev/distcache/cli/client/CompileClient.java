package dev.distcache.cli.client;

import dev.distcache.core.CacheLayout;
import dev.distcache.core.Installation;
import dev.distcache.core.wire.Reply;
import dev.distcache.core.wire.Request;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The per-compile client: forwards argv, cwd and environment to the local server and replays its
 * answer exactly. Whenever the server cannot help (unreachable, cannot start, does not acknowledge
 * the request in time, fails mid-request, or the call is not cacheable) the real compiler runs here
 * with this process's own stdio.
 */
public final class CompileClient {
  private final Launcher launcher;
  private final Map<String, String> env;
  private final Path cwd;

  CompileClient(Launcher launcher, Map<String, String> env, Path cwd) {
    this.launcher = launcher;
    this.env = env;
    this.cwd = cwd;
  }

  public static CompileClient fromLauncher() {
    return new CompileClient(
        Launcher.fromSystemProperties(), System.getenv(), Path.of(System.getProperty("user.dir")));
  }

  /**
   * Compiles and returns the exit code to exit with.
   *
   * @param compiler the compiler's name or path
   * @param invokedAs the masquerade path this process was run as, or empty in prefix mode
   */
  public int compile(String compiler, List<String> args, String invokedAs) {
    List<String> argv = new ArrayList<>(args.size() + 1);
    argv.add(compiler);
    argv.addAll(args);
    String invoked = invokedAs.isEmpty() ? "" : cwd.resolve(invokedAs).toString();
    Request request =
        new Request(
            Request.Mode.COMPILE,
            cwd.toString(),
            Installation.umask(),
            launcher.ttys(),
            invoked,
            argv,
            env);
    Reply reply;
    try {
      reply = exchange(request);
    } catch (ServerConnection.ForeignServerException e) {
      Notes.write(env, e.getMessage());
      return LocalCompile.run(launcher, env, cwd, argv, invoked);
    } catch (CacheLayout.NoCacheDirException e) {
      Notes.warn(env, "distcache: warning: " + e.getMessage() + "; compiled without the cache");
      return LocalCompile.run(launcher, env, cwd, argv, invoked);
    } catch (ServerConnection.CacheDirException e) {
      Notes.warn(env, "distcache: warning: " + e.getMessage() + "; compiled without the cache");
      return LocalCompile.run(launcher, env, cwd, argv, invoked);
    } catch (IOException | RuntimeException e) {
      return LocalCompile.run(launcher, env, cwd, argv, invoked);
    }
    if (reply.note().length > 0) {
      Notes.write(env, reply.note());
    }
    if (reply.kind() != Reply.Kind.RESULT) {
      return LocalCompile.run(launcher, env, cwd, argv, invoked);
    }
    write(FileDescriptor.out, reply.stdout());
    write(FileDescriptor.err, reply.stderr());
    return reply.exitCode();
  }

  private Reply exchange(Request request) throws IOException {
    CacheLayout layout = CacheLayout.fromEnvironment(env);
    try (SocketChannel ch = ServerConnection.connect(layout, launcher, true)) {
      return ServerConnection.exchange(ch, request, ServerConnection.ackMillis(env));
    }
  }

  static void write(FileDescriptor fd, byte[] bytes) {
    if (bytes.length == 0) {
      return;
    }
    try {
      FileOutputStream out = new FileOutputStream(fd);
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      // The reader went away (closed pipe); the exit code still tells the truth.
    }
  }
}
