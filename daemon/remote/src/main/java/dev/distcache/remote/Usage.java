package dev.distcache.remote;

/** The text of {@code distcache daemon --help} and {@code --version}. */
final class Usage {
  static final String VERSION = "0.1.0";

  private Usage() {}

  static String version() {
    return "distcache daemon "
        + VERSION
        + " (distcc protocols 1, 2 and 3) (default port "
        + OptionParser.DEFAULT_PORT
        + ")\n";
  }

  static String help() {
    return version()
        + """

        Usage:
           distcache daemon [OPTIONS]

        A distccd-compatible compile daemon with its own cache: stock distcc and pump clients
        compile through it. distccd's options have distccd's meaning.

        Options:
            --help                     explain usage and exit
            --version                  show version and exit
            -P, --pid-file FILE        save daemon process id to file
            -N, --nice LEVEL           run compilers at this niceness (default 5)
            --jobs, -j LIMIT           maximum jobs at any time (default: CPUs + 2)
            --job-lifetime SECONDS     kill a compile that runs longer (default: no limit)
            --lifetime SECONDS         exit after this long (for tests)
          Networking:
            -p, --port PORT            TCP port to listen on (3632)
            --listen ADDRESS           IP address to listen on (default: all)
            -a, --allow IP[/BITS]      clients allowed to connect (repeatable; IPv4 and IPv6);
                                       without it only loopback clients are served
            --allow-private            allow distccd's private networks
            --stats                    serve statistics via HTTP, as distccd does
            --stats-port PORT          TCP port for statistics requests (3633)
            --storage-port PORT        serve distcache clients a shared cache tier over HTTP
                                       (remote_storage=http://HOST:PORT/); off by default
            --storage-write-allow IP[/BITS]
                                       clients that may write the tier (repeatable); the
                                       other --allow clients only read (default: all write)
            --storage-read-tokens FILE tokens that may only read the tier, in the form of
                                       --auth-tokens, whose tokens read and write
          Debug and trace:
            --log-level=LEVEL          critical, error, warning, notice (default), info, debug
            --verbose                  set log level to "debug"
            --no-detach                don't detach from the parent (systemd, daemontools, tests)
            --log-file=FILE            send messages here (default: CACHE-DIR/daemon.log)
            --log-stderr               send messages to stderr
          Mode of operation:
            --inetd                    serve one job on stdin/stdout (ssh hosts)
            --daemon                   bind and listen on a socket
          distcache:
            --cache-dir DIR            the daemon's cache (default ~/.cache/distcache-daemon)
            --max-size SIZE            evict least recently used results above this (5Gi)
            --remote-storage URLS      share results through these remote storages, as the
                                       remote_storage setting (default
                                       $DISTCACHE_REMOTE_STORAGE)
            --masquerade-dir DIR       compilers allowed: the names in DIR (repeatable;
                                       default /usr/lib/distcc, as distccd)
            --allow-compiler NAMES     compilers allowed by name (gcc,g++,...; repeatable)
            --io-timeout SECONDS       time a client has to send its request (300, or
                                       $DISTCC_IO_TIMEOUT)
            --first-frame-timeout SECONDS  time a new connection has to send its first
                                       bytes (10)
            --max-client-connections N most connections open from one address (4 x jobs,
                                       at least 16); the oldest silent one makes room
            --max-argc N               most arguments in a request (32768)
            --max-arg-length SIZE      longest argument or path (128Ki)
            --max-file-size SIZE       largest source, file or output (256Mi)
            --max-files N              most files in a pump-mode request (65536)
            --max-request-size SIZE    most bytes in one request (256Mi); a running job holds
                                       about three times its request in memory
            --tls-cert FILE            serve the native protocol over TLS with this PEM
                                       certificate chain (and --tls-key); plaintext native
                                       clients are then denied, distcc clients are not
            --tls-key FILE             the certificate's unencrypted PKCS#8 key (PEM)
            --tls-client-ca FILE       require client certificates signed by these CAs
            --auth-tokens FILE         require a bearer token: one a line, each with a
                                       comment naming its client (TOKEN # NAME)

        Only compilers in the allowed list run; options that would run, read or write files
        the client chose (-fplugin=, -specs=, -B, -wrapper, @file, ...) are refused.
        distcache daemon should only serve trusted networks.
        """;
  }
}
