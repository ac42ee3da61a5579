package dev.distcache.server;

import dev.distcache.core.wire.Request;

/**
 * What the server does for root when it runs as another user, as it does for a cache directory
 * shared with a group (docs/integration/sharing.md): administration that works inside the cache
 * directory, never a compile or {@code --extract-result}, whose files this user would write into
 * root's directories, or the web monitor, which would open a port of this user's to whoever can
 * reach the loopback. Root could change the cache directory's files anyway, so nothing here lets it
 * do more than it can; it lets root's {@code -s} see the live counters, and {@code -z} and {@code
 * -C} take effect without waiting for the server to exit.
 */
final class ForeignAdmin {
  private ForeignAdmin() {}

  static boolean allows(Request req) {
    return req.mode() == Request.Mode.ADMIN
        && !req.argv().isEmpty()
        && !req.argv().get(0).equals("extract-result")
        && !req.argv().get(0).equals("web");
  }
}
