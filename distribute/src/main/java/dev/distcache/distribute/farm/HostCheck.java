package dev.distcache.distribute.farm;

import dev.distcache.core.compiler.CompilerLocator;
import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigKey;
import dev.distcache.core.tls.TlsFileException;
import dev.distcache.distribute.client.ClientSettings;
import dev.distcache.distribute.client.DistccClient;
import dev.distcache.distribute.client.HostUnreachableException;
import dev.distcache.distribute.client.RemoteFailure;
import dev.distcache.distribute.client.RemoteJobException;
import dev.distcache.distribute.distcc.DistccLimits;
import dev.distcache.distribute.hosts.HostList;
import dev.distcache.distribute.hosts.HostSpec;
import dev.distcache.distribute.nativeproto.NativeClient;
import dev.distcache.distribute.nativeproto.NativeIdentity;
import dev.distcache.distribute.tls.ClientTls;
import dev.distcache.hashing.CompilerIdentifier;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code distcache hosts --check}: connects to each host of a list and says, on one line per host,
 * whether it can be reached, what it speaks, the compilers it accepts and the round trip.
 *
 * <p>The probe is the cheapest one that tells something true. A TCP connect gives reachability and
 * the round trip (the time the connect took). Then the native handshake ({@code DCD1}, the token, a
 * compiler's name and identity), once per compiler found on the client's PATH: a distcache daemon
 * answers {@code OKAY} (it would compile with that compiler), {@code RFSD} (it would not) or {@code
 * DENY} (it does not serve this client: a token or TLS is missing); a stock distccd closes the
 * connection (or resets it), since the handshake is not distcc's. distcc's protocol has no
 * handshake of its own, so what a distccd accepts is not known without compiling: it is reported as
 * unknown. Every step has a {@link #TIMEOUT}, so a host that never answers cannot hold the command.
 */
public final class HostCheck {
  /** How long a connect, a TLS handshake or an answer to the hello may take. */
  public static final Duration TIMEOUT = Duration.ofSeconds(3);

  /** The compilers asked about, when found on the client's PATH. */
  public static final List<String> COMPILERS = List.of("gcc", "g++", "clang", "clang++");

  /**
   * A compiler the client has: its name (argv[0] of jobs) and identity ({@code NativeIdentity}).
   */
  public record Compiler(String name, String identity) {}

  /**
   * One host's line.
   *
   * @param usable false when the host cannot be reached or does not serve this client
   */
  public record Result(String host, boolean usable, String text) {
    @Override
    public String toString() {
      return host + ": " + text;
    }
  }

  private static final NativeIdentity IDENTITIES = new NativeIdentity();

  private static final ClientSettings SETTINGS =
      new ClientSettings(TIMEOUT, TIMEOUT, DistccLimits.DEFAULTS);

  private final DistccClient connector = new DistccClient(SETTINGS);
  private final NativeClient natives = new NativeClient(SETTINGS);

  /** Checks every host of {@code list} at once; the results are in the list's order. */
  public List<Result> check(HostList list, List<Compiler> compilers, Config config)
      throws InterruptedException {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Result>> futures = new ArrayList<>();
      for (HostSpec h : list.hosts()) {
        futures.add(pool.submit(() -> check(h, compilers, config)));
      }
      List<Result> results = new ArrayList<>();
      for (Future<Result> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("checking a host failed", e.getCause());
        }
      }
      return results;
    }
  }

  private Result check(HostSpec host, List<Compiler> compilers, Config config) {
    String name = host.toString();
    return switch (host) {
      case HostSpec.Local l -> new Result(name, true, "this machine (local compile slots)");
      case HostSpec.Ssh s ->
          new Result(name, true, "not checked: reached through ssh, which runs per job");
      case HostSpec.Tcp t when t.options().down() ->
          new Result(name, true, "not checked: listed as down");
      case HostSpec.Tcp t -> tcp(t, compilers, config);
    };
  }

  private Result tcp(HostSpec.Tcp host, List<Compiler> compilers, Config config) {
    String name = host.toString();
    long start = System.nanoTime();
    try (Socket s = connector.connect(host.host(), host.port(), name)) {
      // only the round trip of the connect
    } catch (HostUnreachableException e) {
      return new Result(name, false, "unreachable: " + e.getMessage());
    } catch (IOException e) {
      // closing a connected socket failed: it was reachable
    }
    String rtt =
        String.format(Locale.ROOT, "round trip %.1f ms", (System.nanoTime() - start) / 1e6);
    ClientTls tls = null;
    if (host.options().tls()) {
      try {
        tls = clientTls(config);
      } catch (TlsFileException e) {
        return new Result(name, false, "reachable, " + rtt + "; TLS not tried: " + e.getMessage());
      }
    }
    if (compilers.isEmpty()) {
      return new Result(
          name,
          true,
          "reachable, "
              + protocolOf(host)
              + " (not asked: no compiler found on PATH), compilers: unknown, "
              + rtt);
    }
    List<String> answers = new ArrayList<>();
    for (Compiler c : compilers) {
      try {
        String refusal = natives.handshake(host, tls, c.name(), c.identity());
        answers.add(c.name() + (refusal == null ? " accepted" : " refused (" + refusal + ")"));
      } catch (HostUnreachableException e) {
        return new Result(name, false, "reachable, " + rtt + ", but " + e.getMessage());
      } catch (RemoteJobException e) {
        return notNative(host, rtt, e);
      } catch (RemoteFailure e) {
        return new Result(name, false, "reachable, " + rtt + ", but " + e.getMessage());
      }
    }
    String security =
        tls == null
            ? "plaintext"
            : "TLS, " + (tls.token().length > 0 ? "token accepted" : "no token");
    String advice =
        host.options().distcache()
            ? ""
            : " (listed for distcc's protocol: add ,distcache to use the native one)";
    return new Result(
        name,
        true,
        "reachable, distcache daemon"
            + advice
            + ", "
            + security
            + ", compilers: "
            + String.join(", ", answers)
            + ", "
            + rtt);
  }

  /** The handshake was not answered in the native protocol. */
  private static Result notNative(HostSpec.Tcp host, String rtt, RemoteJobException e) {
    String name = host.toString();
    if (timedOut(e)) {
      return new Result(
          name,
          false,
          "accepts connections but answered nothing within "
              + TIMEOUT.toSeconds()
              + " s: not a working distcc or distcache daemon");
    }
    boolean closed =
        e.reason() == RemoteJobException.Reason.NO_ANSWER
            || e.reason() == RemoteJobException.Reason.CONNECTION_LOST;
    if (closed && !host.options().distcache()) {
      // distccd closes a connection that does not start with DIST (a reset: bytes were unread)
      return new Result(
          name,
          true,
          "reachable, distcc (not a distcache daemon: it closed the native handshake),"
              + " compilers: unknown (distcc's protocol cannot tell without compiling), "
              + rtt);
    }
    return new Result(name, false, "reachable, " + rtt + ", but " + e.getMessage());
  }

  private static boolean timedOut(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static String protocolOf(HostSpec.Tcp host) {
    return host.options().tls()
        ? "native protocol over TLS (from the host entry)"
        : host.options().distcache()
            ? "native protocol (from the host entry)"
            : "distcc protocol (from the host entry)";
  }

  private static ClientTls clientTls(Config config) throws TlsFileException {
    return ClientTls.load(
        path(config, ConfigKey.REMOTE_TLS_CA),
        path(config, ConfigKey.REMOTE_TLS_CERT),
        path(config, ConfigKey.REMOTE_TLS_KEY),
        path(config, ConfigKey.REMOTE_TOKEN_FILE));
  }

  private static Path path(Config config, ConfigKey key) {
    String v = config.get(key);
    return v == null || v.isEmpty() ? null : Path.of(v);
  }

  /**
   * The compilers of {@link #COMPILERS} that {@code locator} finds on the client's PATH (as a
   * compile would, passing over distcache's own links), with their identities.
   */
  public static List<Compiler> compilers(
      CompilerLocator locator, Map<String, String> env, Path cwd) {
    List<Compiler> found = new ArrayList<>();
    for (String name : COMPILERS) {
      try {
        CompilerLocator.Located c = locator.locate(name, "", env, cwd);
        found.add(
            new Compiler(
                name, IDENTITIES.of(c.compiler(), CompilerLocator.compilerEnvironment(env, c))));
      } catch (CompilerLocator.NotFoundException | CompilerIdentifier.CheckFailedException e) {
        // not on this machine: not asked about
      }
    }
    return found;
  }
}
