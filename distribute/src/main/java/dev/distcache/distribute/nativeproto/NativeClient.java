package dev.distcache.distribute.nativeproto;

import dev.distcache.core.wire.ProtocolException;
import dev.distcache.distribute.client.ClientSettings;
import dev.distcache.distribute.client.DeadlineOutputStream;
import dev.distcache.distribute.client.DistccClient;
import dev.distcache.distribute.client.HostUnreachableException;
import dev.distcache.distribute.client.RemoteFailure;
import dev.distcache.distribute.client.RemoteJobException;
import dev.distcache.distribute.distcc.DistccReply;
import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.PacketReader;
import dev.distcache.distribute.distcc.PacketWriter;
import dev.distcache.distribute.hosts.HostSpec;
import dev.distcache.distribute.tls.ClientTls;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends compiles to {@code distcache daemon} hosts ({@code ,distcache}) in the native protocol
 * (docs/daemon-protocol.md): one handshake per connection for one compiler identity, then jobs one
 * after another, the key first and the source only when the daemon asks for it. Connections are
 * kept for the next job of the same host and compiler while they are younger than {@link
 * #IDLE_MILLIS} since their last job. A daemon that refuses the compiler is remembered for {@link
 * #REFUSAL_MILLIS}, so later jobs for it go elsewhere at once. A {@code ,tls} host is reached over
 * TLS with the client's certificate and token ({@link ClientTls}); a handshake that fails, or a
 * daemon that denies the client ({@code DENY}), is a {@link HostUnreachableException}, so the host
 * is backed off as one that cannot be reached.
 *
 * <p>Thread-safe: the pool is locked only to take or return a connection; a job owns its
 * connection.
 */
public final class NativeClient {
  /**
   * How long an idle connection is kept; well below the daemon's own idle limit (its I/O timeout).
   */
  static final long IDLE_MILLIS = 10_000;

  private static final int MAX_IDLE_PER_KEY = 16;

  /**
   * How long a refused compiler is not offered to that daemon again (it may be upgraded meanwhile).
   */
  static final long REFUSAL_MILLIS = 60_000;

  /** How a job ended on the daemon. */
  public sealed interface Outcome {
    /**
     * The daemon answered.
     *
     * @param hit the result came from the daemon's cache; nothing was uploaded
     * @param uploaded bytes of preprocessed source sent (uncompressed size), 0 for a hit
     * @param reused the job ran on a connection an earlier job had opened
     */
    record Done(NativeCodec.Result result, boolean hit, long uploaded, boolean reused)
        implements Outcome {}

    /**
     * The daemon will not run it: the compiler (identity mismatch, unknown) or this job's
     * arguments.
     */
    record Refused(String reason, boolean compiler) implements Outcome {}

    /**
     * A job with its sources ({@link #compileSources}) answered.
     *
     * @param reused the job ran on a connection an earlier job had opened
     */
    record Compiled(DistccReply reply, boolean reused) implements Outcome {}
  }

  /** One job's exchange on an open connection, after the handshake. */
  @FunctionalInterface
  private interface Exchange {
    Outcome run(Connection c, boolean reused) throws IOException;
  }

  private final ClientSettings settings;
  private final DistccClient connector;
  private final Map<String, Deque<Connection>> idle = new HashMap<>();
  private final Map<String, Refusal> refusedCompilers = new ConcurrentHashMap<>();

  private record Refusal(String reason, long untilNanos) {}

  public NativeClient(ClientSettings settings) {
    this.settings = settings;
    this.connector = new DistccClient(settings);
  }

  /**
   * Runs one job on {@code host}.
   *
   * @param identity the compiler identity the client resolved (the daemon must resolve the same)
   * @param argv the remote argv; argv[0] is the compiler name the daemon resolves
   * @param key the job key (see docs/daemon-protocol.md)
   * @param source the preprocessed source, sent only on the daemon's request
   */
  public Outcome compile(
      HostSpec.Tcp host, String identity, List<String> argv, byte[] key, byte[] source)
      throws RemoteFailure {
    return compile(host, null, identity, argv, key, source);
  }

  /** The same over TLS with {@code tls} (null: plaintext), for {@code ,tls} hosts. */
  public Outcome compile(
      HostSpec.Tcp host,
      ClientTls tls,
      String identity,
      List<String> argv,
      byte[] key,
      byte[] source)
      throws RemoteFailure {
    return exchange(
        host, tls, identity, argv.getFirst(), (c, reused) -> job(c, argv, key, source, reused));
  }

  /**
   * Runs a job with its sources on {@code host} (over TLS with {@code tls}, null for plaintext): a
   * compile whose debug info names this machine's files, which the daemon recreates under their own
   * paths. Answered with distcc's reply ({@link Outcome.Compiled}), its {@code .dwo} included when
   * the job has {@code -gsplit-dwarf}.
   */
  public Outcome compileSources(
      HostSpec.Tcp host, ClientTls tls, String identity, DistccRequest.Pump request)
      throws RemoteFailure {
    boolean splitDwarf = DistccClient.splitDwarf(request);
    return exchange(
        host,
        tls,
        identity,
        request.argv().getFirst(),
        (c, reused) -> {
          NativeCodec.writeSources(c.out, request);
          c.out.flush();
          NativeCodec.Answer a = NativeCodec.readAnswer(c.reader(), splitDwarf);
          c.answered = true;
          return switch (a) {
            case NativeCodec.Answer.Compiled done -> new Outcome.Compiled(done.reply(), reused);
            case NativeCodec.Answer.Refused r -> new Outcome.Refused(r.reason(), false);
            default -> throw new ProtocolException("answered a job with its sources with " + a);
          };
        });
  }

  private Outcome exchange(
      HostSpec.Tcp host, ClientTls tls, String identity, String compiler, Exchange exchange)
      throws RemoteFailure {
    String where =
        (host.host().indexOf(':') >= 0 ? "[" + host.host() + "]" : host.host()) + ":" + host.port();
    String poolKey = where + "\0" + compiler + "\0" + identity + (tls == null ? "" : "\0" + tls);
    Refusal refused = refusedCompilers.get(poolKey);
    if (refused != null && System.nanoTime() - refused.untilNanos() < 0) {
      return new Outcome.Refused(refused.reason(), true);
    }
    Connection c = take(poolKey);
    if (c != null) {
      try {
        return run(c, poolKey, where, exchange, true);
      } catch (RemoteJobException e) {
        if (!c.answered) {
          // The daemon dropped the idle connection before our job reached it: one fresh try.
          c.close();
        } else {
          throw e;
        }
      }
    }
    c = open(host, tls, where, compiler, identity);
    if (c.refusal != null) {
      refusedCompilers.put(
          poolKey, new Refusal(c.refusal, System.nanoTime() + REFUSAL_MILLIS * 1_000_000));
      return new Outcome.Refused(c.refusal, true);
    }
    return run(c, poolKey, where, exchange, false);
  }

  /** A job by its key: the source goes up only when the daemon asks for it. */
  private static Outcome job(
      Connection c, List<String> argv, byte[] key, byte[] source, boolean reused)
      throws IOException {
    NativeCodec.writeJob(c.out, new NativeCodec.Job(argv, key));
    c.out.flush();
    NativeCodec.Answer a = NativeCodec.readAnswer(c.reader());
    c.answered = true;
    long uploaded = 0;
    if (a instanceof NativeCodec.Answer.Send) {
      NativeCodec.writeSource(c.out, source);
      c.out.flush();
      uploaded = source.length;
      a = NativeCodec.readAnswer(c.reader());
    }
    return switch (a) {
      case NativeCodec.Answer.Done d -> new Outcome.Done(d.result(), d.hit(), uploaded, reused);
      case NativeCodec.Answer.Refused r -> new Outcome.Refused(r.reason(), false);
      case NativeCodec.Answer.Send s -> throw new ProtocolException("asked for the source twice");
      case NativeCodec.Answer.Compiled p ->
          throw new ProtocolException("answered a job by its key as one with its sources");
    };
  }

  /**
   * Opens a connection to {@code host}, says hello for {@code compiler} with {@code identity} and
   * closes it, for {@code distcache hosts --check}: null when the daemon accepts the compiler, else
   * the daemon's refusal. A daemon that denies this client or fails the TLS handshake throws {@link
   * HostUnreachableException}; one that closes or says something else throws {@link
   * RemoteJobException}, as for a job.
   */
  public String handshake(HostSpec.Tcp host, ClientTls tls, String compiler, String identity)
      throws RemoteFailure {
    String where =
        (host.host().indexOf(':') >= 0 ? "[" + host.host() + "]" : host.host()) + ":" + host.port();
    Connection c = open(host, tls, where, compiler, identity);
    c.close();
    return c.refusal;
  }

  private Outcome run(Connection c, String poolKey, String where, Exchange exchange, boolean reused)
      throws RemoteJobException {
    boolean ok = false;
    try {
      c.answered = false;
      Outcome o = exchange.run(c, reused);
      ok = true;
      return o;
    } catch (EOFException e) {
      throw job(
          where, RemoteJobException.Reason.NO_ANSWER, "closed the connection without an answer", e);
    } catch (ProtocolException e) {
      throw job(
          where,
          RemoteJobException.Reason.PROTOCOL_ERROR,
          "sent something that is not a native answer: " + e.getMessage(),
          e);
    } catch (SocketTimeoutException e) {
      throw job(
          where,
          RemoteJobException.Reason.TIMED_OUT,
          "sent nothing for " + seconds() + " (the I/O timeout)",
          e);
    } catch (IOException e) {
      if (c.deadline.expired()) {
        throw job(
            where,
            RemoteJobException.Reason.TIMED_OUT,
            "took no data for " + seconds() + " (the I/O timeout)",
            e);
      }
      throw job(
          where,
          RemoteJobException.Reason.CONNECTION_LOST,
          "lost the connection: " + e.getMessage(),
          e);
    } finally {
      if (ok) {
        give(poolKey, c);
      } else {
        c.close();
      }
    }
  }

  private Connection open(
      HostSpec.Tcp host, ClientTls tls, String where, String compiler, String identity)
      throws RemoteFailure {
    Socket socket = connector.connect(host.host(), host.port(), where);
    if (tls != null) {
      try {
        socket = tls.handshake(socket, host.host(), host.port());
      } catch (IOException e) {
        throw denied(where, "TLS handshake failed: " + e.getMessage(), e);
      }
    }
    Connection c = null;
    try {
      c = new Connection(socket, settings);
      NativeCodec.writeHello(
          c.out,
          new NativeCodec.Hello(compiler, identity, tls == null ? new byte[0] : tls.token()));
      c.out.flush();
      c.refusal = NativeCodec.readHelloAnswer(c.reader());
      if (c.refusal != null) {
        c.close();
      }
      return c;
    } catch (IOException e) {
      if (c != null) {
        c.close();
      } else {
        closeQuietly(socket);
      }
      if (e instanceof NativeCodec.Denied) {
        throw denied(where, "denied this client: " + e.getMessage(), e);
      }
      if (tls != null && !(e instanceof ProtocolException)) {
        // TLS 1.3 ends the client's handshake before the daemon has checked its certificate: a
        // daemon that rejects it ends the session when the client first writes or reads.
        throw denied(
            where,
            "ended the TLS session during the handshake (does it accept this client's"
                + " certificate?): "
                + e.getMessage(),
            e);
      }
      if (e instanceof EOFException) {
        throw job(
            where,
            RemoteJobException.Reason.NO_ANSWER,
            "closed the connection during the handshake (is it a"
                + " distcache daemon, and does its --allow admit this client?)",
            e);
      }
      if (e instanceof ProtocolException) {
        throw job(
            where,
            RemoteJobException.Reason.PROTOCOL_ERROR,
            "answered the handshake with something that is not"
                + " the native protocol (is it a distcache daemon?): "
                + e.getMessage(),
            e);
      }
      throw job(
          where,
          RemoteJobException.Reason.CONNECTION_LOST,
          "lost the connection during the handshake: " + e.getMessage(),
          e);
    }
  }

  private Connection take(String poolKey) {
    synchronized (idle) {
      Deque<Connection> q = idle.get(poolKey);
      while (q != null && !q.isEmpty()) {
        Connection c = q.pollLast();
        if (System.nanoTime() - c.lastUsed < IDLE_MILLIS * 1_000_000) {
          return c;
        }
        c.close();
      }
      return null;
    }
  }

  private void give(String poolKey, Connection c) {
    c.lastUsed = System.nanoTime();
    synchronized (idle) {
      Deque<Connection> q = idle.computeIfAbsent(poolKey, k -> new ArrayDeque<>());
      if (q.size() < MAX_IDLE_PER_KEY) {
        q.addLast(c);
        return;
      }
    }
    c.close();
  }

  private String seconds() {
    return settings.ioTimeout().toMillis() / 1000.0 + " s";
  }

  private static RemoteJobException job(
      String where, RemoteJobException.Reason reason, String what, IOException cause) {
    return new RemoteJobException(where, reason, "distcache daemon " + where + " " + what, cause);
  }

  private static HostUnreachableException denied(String where, String what, IOException cause) {
    return new HostUnreachableException(
        where,
        HostUnreachableException.Reason.DENIED,
        "distcache daemon " + where + " " + what,
        cause);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Closed already.
    }
  }

  /** One open connection; owned by one job at a time. */
  private static final class Connection {
    final Socket socket;
    final InputStream in;
    final DeadlineOutputStream deadline;
    final PacketWriter out;
    final ClientSettings settings;
    String refusal;
    boolean answered;
    long lastUsed;

    Connection(Socket socket, ClientSettings settings) throws IOException {
      this.socket = socket;
      this.settings = settings;
      this.in = new BufferedInputStream(socket.getInputStream(), 64 << 10);
      this.deadline =
          new DeadlineOutputStream(
              socket.getOutputStream(), socket, settings.ioTimeout().toMillis());
      this.out = new PacketWriter(new BufferedOutputStream(deadline, 64 << 10));
    }

    /** A reader for one answer: the limits apply to each answer, not to the connection's life. */
    PacketReader reader() {
      return new PacketReader(in, settings.limits());
    }

    void close() {
      closeQuietly(socket);
    }
  }
}
