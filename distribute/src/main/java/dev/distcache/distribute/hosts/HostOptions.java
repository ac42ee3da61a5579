package dev.distcache.distribute.hosts;

import dev.distcache.distribute.distcc.ProtocolVersion;

/**
 * The {@code ,OPTION} suffixes of a host entry.
 *
 * @param lzo compress bodies (distcc protocol 2)
 * @param cpp preprocess on the server (pump mode, protocol 3; needs {@code lzo})
 * @param down the host is listed but not used
 * @param auth GSS-API mutual authentication; {@code authName} is the principal, empty for the
 *     default
 * @param distcache the host runs {@code distcache daemon}: use the native protocol, not distcc's
 * @param tls the native protocol over TLS ({@code ,tls}, which implies {@code ,distcache}), with
 *     the client's certificate and token when configured ({@code remote_tls_*}, {@code
 *     remote_token_file})
 */
public record HostOptions(
    boolean lzo,
    boolean cpp,
    boolean down,
    boolean auth,
    String authName,
    boolean distcache,
    boolean tls) {
  public static final HostOptions NONE =
      new HostOptions(false, false, false, false, "", false, false);

  /** Options without TLS. */
  public HostOptions(
      boolean lzo, boolean cpp, boolean down, boolean auth, String authName, boolean distcache) {
    this(lzo, cpp, down, auth, authName, distcache, false);
  }

  public HostOptions {
    if (cpp && !lzo) {
      throw new IllegalArgumentException(
          "pump mode (cpp) requires compression (lzo), as in distcc");
    }
    if (distcache && (lzo || cpp)) {
      throw new IllegalArgumentException(
          "distcache selects the native protocol; lzo and cpp are distcc's");
    }
    if (tls && !distcache) {
      throw new IllegalArgumentException("tls is for the native protocol (distcache) only");
    }
    if (!auth && !authName.isEmpty()) {
      throw new IllegalArgumentException("authName (" + authName + ") needs auth");
    }
  }

  /** The distcc protocol these options select (meaningless when {@link #distcache}). */
  public ProtocolVersion distccProtocol() {
    return cpp ? ProtocolVersion.V3 : lzo ? ProtocolVersion.V2 : ProtocolVersion.V1;
  }

  /** The options as they are written after a host, each with its leading comma. */
  public String suffix() {
    StringBuilder s = new StringBuilder();
    if (lzo) {
      s.append(",lzo");
    }
    if (cpp) {
      s.append(",cpp");
    }
    if (down) {
      s.append(",down");
    }
    if (auth) {
      s.append(authName.isEmpty() ? ",auth" : ",auth=" + authName);
    }
    if (tls) {
      s.append(",tls");
    } else if (distcache) {
      s.append(",distcache");
    }
    return s.toString();
  }
}
