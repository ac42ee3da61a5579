package dev.distcache.remote;

import dev.distcache.core.log.LogLevel;
import dev.distcache.distribute.distcc.DistccLimits;
import dev.distcache.remote.net.AccessList;
import dev.distcache.remote.net.Netmask;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code distcache daemon} was told on its command line, in distccd's terms; see {@link
 * OptionParser} for the spellings and the defaults.
 *
 * @param listen the address to listen on, or null for every address
 * @param storagePort the port of the clients' shared tier ({@code --storage-port}), 0 for none
 * @param storageWriters the networks that may write the shared tier ({@code
 *     --storage-write-allow}); empty for every network of {@code access}
 * @param storageReadTokens the bearer tokens that may only read the shared tier ({@code
 *     --storage-read-tokens}), or null for none
 * @param access who may connect: the {@code --allow} networks, or loopback only
 * @param jobs how many jobs run at once ({@code -j}); more connections wait
 * @param nice the niceness the compilers run at ({@code -N})
 * @param ioTimeoutSeconds how long a client has to send its whole request, and to take the reply
 * @param firstFrameSeconds how long a new connection has to send its first bytes ({@code
 *     --first-frame-timeout})
 * @param maxClientConnections the most connections open from one address ({@code
 *     --max-client-connections})
 * @param jobLifetimeSeconds the longest a compile may run ({@code --job-lifetime}); 0 for no limit
 * @param lifetimeSeconds the daemon exits after this long ({@code --lifetime}); 0 for never
 * @param limits what a request may hold (argc, string lengths, file sizes, total)
 * @param pidFile where to write the daemon's pid, or null
 * @param remoteStorage the shared cache tier ({@code --remote-storage}, else {@code
 *     $DISTCACHE_REMOTE_STORAGE}; the local server's {@code remote_storage} grammar), empty for
 *     none
 * @param tlsCert the certificate chain (PEM) the native protocol is served with over TLS ({@code
 *     --tls-cert}), or null for no TLS; {@code tlsKey} is its key
 * @param tlsClientCa the CAs (PEM) whose client certificates are required ({@code
 *     --tls-client-ca}), or null
 * @param authTokens the bearer tokens accepted ({@code --auth-tokens}), or null for none
 */
record DaemonOptions(
    Action action,
    Mode mode,
    boolean noDetach,
    String listen,
    int port,
    AccessList access,
    boolean stats,
    int statsPort,
    int storagePort,
    List<Netmask> storageWriters,
    Path storageReadTokens,
    int jobs,
    int nice,
    int ioTimeoutSeconds,
    int firstFrameSeconds,
    int maxClientConnections,
    int jobLifetimeSeconds,
    int lifetimeSeconds,
    DistccLimits limits,
    LogLevel logLevel,
    Path logFile,
    boolean logStderr,
    Path pidFile,
    Path cacheDir,
    long maxSize,
    String remoteStorage,
    List<Path> masqueradeDirs,
    List<String> compilers,
    Path tlsCert,
    Path tlsKey,
    Path tlsClientCa,
    Path authTokens) {

  /** What to do. */
  enum Action {
    RUN,
    HELP,
    VERSION
  }

  /**
   * How clients reach the daemon: one job on stdin/stdout, a TCP listener, or decided by what stdin
   * is.
   */
  enum Mode {
    INETD,
    DAEMON,
    GUESS
  }

  DaemonOptions {
    storageWriters = List.copyOf(storageWriters);
    masqueradeDirs = List.copyOf(masqueradeDirs);
    compilers = List.copyOf(compilers);
  }
}
