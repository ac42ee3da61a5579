package dev.distcache.remote.storage;

import dev.distcache.distribute.tls.Tokens;
import dev.distcache.remote.net.AccessList;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Who may read the storage port and who may also write it. A peer is admitted when it is in the
 * {@code --allow} networks and, when the daemon has tokens, gives one as {@code Authorization:
 * Bearer}. It may write when it is in the {@code --storage-write-allow} networks (every admitted
 * peer when none were given) and, with tokens, its token is one of {@code --auth-tokens}; a token
 * of {@code --storage-read-tokens} reads only. So CI runners can fill the shared tier while
 * developers' machines only take from it, whatever their clients are configured to do.
 *
 * @param access the {@code --allow} networks
 * @param writers the networks that may write ({@code --storage-write-allow}), or null for every
 *     admitted peer
 * @param tokens the tokens that may read and write, or null when the port takes none
 * @param readTokens the tokens that may only read, or null for none
 */
public record StorageAccess(
    AccessList access, AccessList writers, Tokens tokens, Tokens readTokens) {

  /** What the port answers a peer. */
  public sealed interface Decision {}

  /** Refused: the HTTP status and why, for the peer and the log (never with a token). */
  public record Refused(int status, String why) implements Decision {}

  /**
   * Admitted: {@code who} names the peer for the log (its address, and the client its token names),
   * {@code mayWrite} whether a {@code PUT} is taken.
   */
  public record Admitted(String who, boolean mayWrite) implements Decision {}

  /** The decision for {@code peer}, which sent {@code authorization} (null when none). */
  public Decision admit(InetAddress peer, String authorization) {
    if (!access.allows(peer)) {
      return new Refused(403, "not in --allow");
    }
    String who = peer.getHostAddress();
    boolean network = writers == null || writers.allows(peer);
    if (tokens == null && readTokens == null) {
      return new Admitted(who, network);
    }
    if (authorization == null) {
      return new Refused(401, "no token (bearer-token=)");
    }
    byte[] token =
        authorization.startsWith("Bearer ")
            ? authorization.substring(7).getBytes(StandardCharsets.UTF_8)
            : new byte[0];
    Optional<String> writer = tokens == null ? Optional.empty() : tokens.client(token);
    if (writer.isPresent()) {
      return new Admitted(who + " (token of " + writer.get() + ")", network);
    }
    Optional<String> reader = readTokens == null ? Optional.empty() : readTokens.client(token);
    if (reader.isPresent()) {
      return new Admitted(who + " (read-only token of " + reader.get() + ")", false);
    }
    return new Refused(401, "the token is not one this daemon accepts");
  }
}
