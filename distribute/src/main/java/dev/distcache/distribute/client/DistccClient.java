package dev.distcache.distribute.client;

import dev.distcache.core.wire.ProtocolException;
import dev.distcache.distribute.distcc.DistccReply;
import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.PacketReader;
import dev.distcache.distribute.distcc.PacketWriter;
import dev.distcache.distribute.distcc.ProtocolVersion;
import dev.distcache.distribute.distcc.ReplyCodec;
import dev.distcache.distribute.distcc.RequestCodec;
import dev.distcache.distribute.hosts.HostSpec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;

/**
 * Sends one compile to a stock distccd over TCP, or over ssh to one started in {@code --inetd}
 * mode, in protocol 1 or 2 and returns its answer: one connection per job, as distcc does. A
 * compile error is an answer ({@link DistccReply} with a non-zero status); anything that keeps the
 * answer from arriving is a {@link RemoteFailure}: {@link HostUnreachableException} before anything
 * was sent, {@link RemoteJobException} after.
 *
 * <p>Thread-safe: it holds only settings; each call owns its socket or ssh process.
 */
public final class DistccClient {
  private final ClientSettings settings;

  public DistccClient(ClientSettings settings) {
    this.settings = settings;
  }

  /**
   * Compiles on {@code host} in the protocol its options select ({@code ,lzo}: 2, else 1).
   *
   * @param argv the compiler command as distcc sends it: argv[0] a compiler name the daemon's
   *     masquerade directory holds, the options that matter after preprocessing, the source name
   *     (its extension tells the daemon the language), {@code -o} and the object name
   * @param preprocessed the preprocessor's output
   */
  public DistccReply compile(HostSpec.Tcp host, List<String> argv, byte[] preprocessed)
      throws RemoteFailure {
    if (host.options().distcache()) {
      throw new IllegalArgumentException(
          host + " is a distcache daemon; it speaks the native protocol");
    }
    if (host.options().cpp()) {
      throw new IllegalArgumentException(
          host + " is a pump-mode host; this client preprocesses locally (use ,lzo)");
    }
    return compile(host.host(), host.port(), host.options().distccProtocol(), argv, preprocessed);
  }

  /** Compiles on {@code name:port} in protocol {@code version} (1 or 2). */
  public DistccReply compile(
      String name, int port, ProtocolVersion version, List<String> argv, byte[] preprocessed)
      throws RemoteFailure {
    return compile(name, port, new DistccRequest.Preprocessed(version, argv, preprocessed));
  }

  /** Sends {@code request} to {@code name:port} over TCP and reads the answer. */
  private DistccReply compile(String name, int port, DistccRequest request) throws RemoteFailure {
    String where = (name.indexOf(':') >= 0 ? "[" + name + "]" : name) + ":" + port;
    try (Socket socket = connect(name, port, where)) {
      DeadlineOutputStream deadline =
          new DeadlineOutputStream(
              socket.getOutputStream(), socket, settings.ioTimeout().toMillis());
      return exchange(
          socket.getInputStream(), deadline, deadline::expired, () -> false, where, request);
    } catch (IOException e) {
      if (e instanceof RemoteFailure f) {
        throw f;
      }
      throw job(
          where,
          RemoteJobException.Reason.CONNECTION_LOST,
          "lost the connection: " + e.getMessage(),
          e);
    }
  }

  /**
   * Compiles on an ssh host as distcc does: runs {@code $DISTCC_SSH [-l USER] HOST COMMAND --inetd
   * --enable-tcp-insecure} ({@code distccSsh}: DISTCC_SSH, split at spaces; null or blank for
   * {@code ssh}) and speaks protocol {@code version} (1 or 2) over its stdin and stdout, each read
   * and write bounded by the I/O timeout. ssh that cannot be run or that fails (exit 255, or the
   * shell's 126 or 127 for a command it cannot run) is an unreachable host.
   */
  public DistccReply compile(
      HostSpec.Ssh host,
      ProtocolVersion version,
      String distccSsh,
      List<String> argv,
      byte[] preprocessed)
      throws RemoteFailure {
    if (host.options().distcache() || version == ProtocolVersion.V3) {
      throw new IllegalArgumentException(
          host + ": over ssh this client speaks distcc protocol 1 or 2 only");
    }
    String where = (host.user().isEmpty() ? "" : host.user() + "@") + host.host();
    List<String> command = SshTunnel.command(distccSsh, host);
    SshTunnel tunnel;
    try {
      tunnel = SshTunnel.start(command);
    } catch (IOException e) {
      throw unreachable(
          where,
          HostUnreachableException.Reason.UNREACHABLE,
          "cannot be reached: cannot run "
              + command.getFirst()
              + " (set DISTCC_SSH to the ssh program): "
              + e.getMessage(),
          e);
    }
    // Closed last: the exit code and stderr of a failed ssh decide what the failure was.
    try {
      long timeout = settings.ioTimeout().toMillis();
      DeadlineOutputStream out = new DeadlineOutputStream(tunnel.toHost(), tunnel, timeout);
      DeadlineInputStream in = new DeadlineInputStream(tunnel.fromHost(), tunnel, timeout);
      return exchange(
          in,
          out,
          out::expired,
          in::expired,
          where,
          new DistccRequest.Preprocessed(version, argv, preprocessed));
    } catch (RemoteJobException e) {
      if (e.reason() != RemoteJobException.Reason.NO_ANSWER
          && e.reason() != RemoteJobException.Reason.CONNECTION_LOST) {
        throw e;
      }
      OptionalInt exit = tunnel.exitCode(settings.connectTimeout().toMillis());
      String said = tunnel.stderr();
      String detail =
          (exit.isPresent() ? "exit " + exit.getAsInt() : "still running")
              + (said.isEmpty() ? "" : ": " + said);
      if (exit.isPresent()
          && (exit.getAsInt() == SshTunnel.SSH_FAILED
              || exit.getAsInt() == 126
              || exit.getAsInt() == 127)) {
        throw unreachable(
            where,
            HostUnreachableException.Reason.UNREACHABLE,
            "cannot be reached: " + String.join(" ", command) + " failed (" + detail + ")",
            e);
      }
      throw job(where, e.reason(), "over ssh: " + e.getMessage() + " (ssh " + detail + ")", e);
    } finally {
      tunnel.close();
    }
  }

  /**
   * Sends the job on {@code out} and reads the answer from {@code in}, both owned by the caller;
   * every failure here comes after the connection was made.
   */
  private DistccReply exchange(
      InputStream in,
      OutputStream out,
      BooleanSupplier writeExpired,
      BooleanSupplier readExpired,
      String where,
      DistccRequest request)
      throws RemoteJobException {
    ProtocolVersion version = request.version();
    List<String> argv = request.argv();
    try {
      PacketWriter writer = new PacketWriter(new BufferedOutputStream(out, 64 << 10));
      RequestCodec.write(writer, request);
      writer.flush();
      PacketReader reader =
          new PacketReader(new BufferedInputStream(in, 64 << 10), settings.limits());
      return ReplyCodec.read(reader, version, splitDwarf(request));
    } catch (IOException e) {
      if (e instanceof SocketTimeoutException || readExpired.getAsBoolean()) {
        throw job(
            where,
            RemoteJobException.Reason.TIMED_OUT,
            "sent nothing for " + seconds() + " (the I/O timeout)",
            e);
      }
      if (writeExpired.getAsBoolean()) {
        throw job(
            where,
            RemoteJobException.Reason.TIMED_OUT,
            "took no data for " + seconds() + " (the I/O timeout)",
            e);
      }
      if (e instanceof EOFException) {
        throw job(
            where,
            RemoteJobException.Reason.NO_ANSWER,
            "closed the connection without an answer (distccd does"
                + " that when it does not allow this client, does not have the compiler "
                + argv.getFirst()
                + " in its masquerade directory, or refuses an option)",
            e);
      }
      if (e instanceof ProtocolException) {
        throw job(
            where,
            RemoteJobException.Reason.PROTOCOL_ERROR,
            "sent something that is not a distcc answer: " + e.getMessage(),
            e);
      }
      throw job(
          where,
          RemoteJobException.Reason.CONNECTION_LOST,
          "lost the connection: " + e.getMessage(),
          e);
    }
  }

  /**
   * Whether the answer to {@code request} carries a {@code .dwo}: a pump job with {@code
   * -gsplit-dwarf} that makes an object (not {@code -S}), which only a distcache daemon takes.
   */
  public static boolean splitDwarf(DistccRequest request) {
    return request instanceof DistccRequest.Pump
        && request.argv().contains("-gsplit-dwarf")
        && !request.argv().contains("-S");
  }

  public Socket connect(String name, int port, String where) throws HostUnreachableException {
    InetSocketAddress address;
    try {
      address = new InetSocketAddress(InetAddress.getByName(name), port);
    } catch (UnknownHostException e) {
      throw unreachable(
          where, HostUnreachableException.Reason.UNKNOWN_HOST, "has no address (unknown host)", e);
    }
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(address, (int) settings.connectTimeout().toMillis());
      socket.setSoTimeout((int) settings.ioTimeout().toMillis());
      return socket;
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof SocketTimeoutException) {
        throw unreachable(
            where,
            HostUnreachableException.Reason.TIMED_OUT,
            "did not accept a connection within " + settings.connectTimeout().toMillis() + " ms",
            e);
      }
      if (e instanceof ConnectException) {
        throw unreachable(
            where,
            HostUnreachableException.Reason.REFUSED,
            "refused the connection (is distccd running and listening on that address and port?)",
            e);
      }
      if (e instanceof NoRouteToHostException) {
        throw unreachable(
            where,
            HostUnreachableException.Reason.UNREACHABLE,
            "cannot be reached: " + e.getMessage(),
            e);
      }
      throw unreachable(
          where,
          HostUnreachableException.Reason.UNREACHABLE,
          "cannot be connected to: " + e.getMessage(),
          e);
    }
  }

  private String seconds() {
    return settings.ioTimeout().toMillis() / 1000.0 + " s";
  }

  private static HostUnreachableException unreachable(
      String where, HostUnreachableException.Reason reason, String what, IOException cause) {
    return new HostUnreachableException(where, reason, "distcc host " + where + " " + what, cause);
  }

  private static RemoteJobException job(
      String where, RemoteJobException.Reason reason, String what, IOException cause) {
    return new RemoteJobException(where, reason, "distcc host " + where + " " + what, cause);
  }
}
