package dev.distcache.cli.admin;

import dev.distcache.core.wire.Reply;
import java.io.IOException;
import java.util.List;

/** Sends one administration request (docs/client-protocol.md) to the local server. */
public interface AdminChannel {
  /** Sends the words, starting the server first if it is not running. */
  Reply send(List<String> words) throws IOException;

  /** Sends the words only if a server is running; returns null when none is. */
  Reply sendIfRunning(List<String> words) throws IOException;
}
