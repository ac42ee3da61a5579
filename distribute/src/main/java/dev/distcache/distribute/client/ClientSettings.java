package dev.distcache.distribute.client;

import dev.distcache.distribute.distcc.DistccLimits;
import java.time.Duration;

/**
 * Timeouts and limits of a {@link DistccClient}.
 *
 * @param connectTimeout how long a TCP connect may take (distcc: 4 s)
 * @param ioTimeout how long one read may wait for data, or one write for the host to take data
 *     (distcc's DISTCC_IO_TIMEOUT: 300 s; it covers the remote compile, so it must exceed the
 *     longest compile)
 * @param limits what the client accepts in a reply
 */
public record ClientSettings(Duration connectTimeout, Duration ioTimeout, DistccLimits limits) {
  public static final ClientSettings DEFAULTS =
      new ClientSettings(Duration.ofSeconds(4), Duration.ofSeconds(300), DistccLimits.DEFAULTS);

  public ClientSettings {
    if (connectTimeout.isNegative()
        || connectTimeout.isZero()
        || connectTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "connectTimeout (" + connectTimeout + ") must be positive");
    }
    if (ioTimeout.isNegative() || ioTimeout.isZero() || ioTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("ioTimeout (" + ioTimeout + ") must be positive");
    }
  }
}
