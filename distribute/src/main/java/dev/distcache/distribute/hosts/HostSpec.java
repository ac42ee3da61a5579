package dev.distcache.distribute.hosts;

/**
 * One entry of a host list, in distcc's grammar. {@link #toString()} writes it back in that grammar
 * (canonical form: {@code HOST:PORT/LIMIT,OPTIONS}).
 */
public sealed interface HostSpec {
  int DEFAULT_PORT = 3632;
  int DEFAULT_LOCAL_LIMIT = 2;
  int DEFAULT_REMOTE_LIMIT = 4;

  /** How many jobs may run there at once. */
  int limit();

  /** {@code localhost[/LIMIT]}: compile on this machine. */
  record Local(int limit) implements HostSpec {
    public Local {
      positive(limit);
    }

    @Override
    public String toString() {
      return "localhost/" + limit;
    }
  }

  /**
   * {@code HOST[:PORT][/LIMIT][,OPTIONS]}: a daemon reached over TCP; IPv6 literals without
   * brackets.
   */
  record Tcp(String host, int port, int limit, HostOptions options) implements HostSpec {
    public Tcp {
      positive(limit);
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port (" + port + ") must be from 1 to 65535");
      }
    }

    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
          + ":"
          + port
          + "/"
          + limit
          + options.suffix();
    }
  }

  /**
   * {@code [USER]@HOST[/LIMIT][:COMMAND][,OPTIONS]}: a daemon started over ssh ({@code DISTCC_SSH},
   * default {@code ssh}) as {@code COMMAND --inetd}; empty user and command mean ssh's and {@code
   * distccd}.
   */
  record Ssh(String user, String host, int limit, String command, HostOptions options)
      implements HostSpec {
    public Ssh {
      positive(limit);
    }

    @Override
    public String toString() {
      return user
          + "@"
          + host
          + "/"
          + limit
          + (command.isEmpty() ? "" : ":" + command)
          + options.suffix();
    }
  }

  private static void positive(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit (" + limit + ") must be positive");
    }
  }
}
