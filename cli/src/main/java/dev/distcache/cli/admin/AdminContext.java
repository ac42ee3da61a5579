package dev.distcache.cli.admin;

import dev.distcache.cli.client.Launcher;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.Installation;
import dev.distcache.core.config.Config;
import dev.distcache.core.wire.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What every administration command works on: the environment, the cache directory, the
 * installation and the server.
 */
record AdminContext(
    Map<String, String> env, CacheLayout layout, Launcher launcher, AdminChannel channel) {

  /**
   * Sends the words (starting the server if needed) and returns the stdout of its successful reply.
   */
  String request(String... words) throws IOException, AdminException {
    List<String> list = List.of(words);
    return answer(list, channel.send(list));
  }

  /** Like {@link #request}, but returns null instead of starting a server when none is running. */
  String requestIfRunning(String... words) throws IOException, AdminException {
    List<String> list = List.of(words);
    Reply reply = channel.sendIfRunning(list);
    return reply == null ? null : answer(list, reply);
  }

  /** The effective configuration, as the server and the compile path see it. */
  Config config() {
    return Config.load(layout, env);
  }

  /** What masquerade links point at: the native client, the program users run. */
  /** Links to this installation's client, for the compilers on the caller's PATH. */
  MasqueradeInstaller masqueradeInstaller() throws AdminException {
    return new MasqueradeInstaller(
        clientExecutable(), launcherScript(), MasqueradeInstaller.splitPath(env().get("PATH")));
  }

  Path clientExecutable() throws AdminException {
    return home().resolve(Installation.NATIVE_CLIENT);
  }

  /** bin/distcache, the link to the native client that users run (older links may name it). */
  Path launcherScript() throws AdminException {
    return home().resolve("bin/distcache");
  }

  /** The installation directory: the checkout, or PREFIX/lib/distcache once installed. */
  Path home() throws AdminException {
    if (launcher.home() == null) {
      throw new AdminException("distcache.home is not set; run distcache as bin/distcache");
    }
    return launcher.home();
  }

  private static String answer(List<String> words, Reply reply) throws AdminException {
    String request = String.join(" ", words);
    return switch (reply.kind()) {
      case FAILED -> throw new AdminException(reply.message());
      case RUN_LOCALLY ->
          throw new AdminException(
              "the server did not handle \"" + request + "\": " + reply.message());
      case RESULT -> {
        if (reply.exitCode() != 0) {
          String detail = new String(reply.stderr(), StandardCharsets.UTF_8).strip();
          throw new AdminException(
              "the server answered \""
                  + request
                  + "\" with exit code "
                  + reply.exitCode()
                  + (detail.isEmpty() ? "" : ": " + detail));
        }
        yield new String(reply.stdout(), StandardCharsets.UTF_8);
      }
    };
  }
}
