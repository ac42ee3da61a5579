package dev.distcache.cli.admin;

import dev.distcache.cli.client.Launcher;
import dev.distcache.cli.client.ServerConnection;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.Installation;
import dev.distcache.core.wire.Reply;
import dev.distcache.core.wire.Request;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;

/** The real channel: the local server of the cache directory named by the environment. */
public final class ServerAdminChannel implements AdminChannel {
  private final CacheLayout layout;
  private final Launcher launcher;
  private final Map<String, String> env;
  private final String cwd;

  public ServerAdminChannel(
      CacheLayout layout, Launcher launcher, Map<String, String> env, String cwd) {
    this.layout = layout;
    this.launcher = launcher;
    this.env = env;
    this.cwd = cwd;
  }

  @Override
  public Reply send(List<String> words) throws IOException {
    try (SocketChannel ch = ServerConnection.connect(layout, launcher)) {
      return exchange(ch, words);
    }
  }

  @Override
  public Reply sendIfRunning(List<String> words) throws IOException {
    SocketChannel ch = ServerConnection.tryConnect(layout, true);
    if (ch == null) {
      return null;
    }
    try (ch) {
      return exchange(ch, words);
    }
  }

  /**
   * Sends the words; to another user's server (root administering a group's cache directory) with
   * only distcache's own variables of the environment, none of root's others.
   */
  private Reply exchange(SocketChannel ch, List<String> words) throws IOException {
    boolean foreign =
        !ch.getOption(ExtendedSocketOptions.SO_PEERCRED)
            .user()
            .equals(Files.getOwner(Path.of("/proc/self")));
    Map<String, String> sent = env;
    if (foreign) {
      sent = new HashMap<>(env);
      sent.keySet().removeIf(k -> !k.startsWith("DISTCACHE_"));
    }
    Request r = new Request(Request.Mode.ADMIN, cwd, Installation.umask(), 0, "", words, sent);
    return ServerConnection.exchange(ch, r, ServerConnection.ackMillis(env));
  }
}
