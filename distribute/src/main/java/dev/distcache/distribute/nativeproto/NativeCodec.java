package dev.distcache.distribute.nativeproto;

import dev.distcache.core.wire.ProtocolException;
import dev.distcache.distribute.distcc.DistccLimits;
import dev.distcache.distribute.distcc.DistccReply;
import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.PacketReader;
import dev.distcache.distribute.distcc.PacketWriter;
import dev.distcache.distribute.distcc.ProtocolVersion;
import dev.distcache.distribute.distcc.ReplyCodec;
import dev.distcache.distribute.distcc.RequestCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The native distcache daemon protocol (docs/daemon-protocol.md), in distcc's packet style: a
 * 4-character token, 8 hex digits, a body. A connection starts with {@code DCD1} (which a distcc
 * request never does: it starts with {@code DIST}), then the compiler handshake, then any number of
 * jobs: the job's argv and key first, so a daemon-side hit needs no upload; on {@code SEND} the
 * preprocessed source, LZ4-compressed. Every length is checked against {@link DistccLimits} before
 * anything of that size is allocated. Stateless; the caller owns the streams.
 */
public final class NativeCodec {
  /** The first token of a native connection; its value is the protocol revision. */
  public static final String MAGIC = "DCD1";

  /** The revision this code speaks. */
  public static final int REVISION = 1;

  /** The job key's length: a BLAKE3 digest. */
  public static final int KEY_LENGTH = 32;

  /** The longest bearer token a daemon reads. */
  private static final int MAX_TOKEN_LENGTH = 4096;

  /** An LZ4 block never decodes to more than 255 times its size. */
  private static final long LZ4_MAX_RATIO = 255;

  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

  private NativeCodec() {}

  /**
   * The client's handshake: the compiler it means (argv[0] of its jobs), that compiler's identity,
   * and the bearer token for a daemon that wants one (empty for none; sent only over TLS).
   */
  public record Hello(String compiler, String identity, byte[] token) {
    public Hello(String compiler, String identity) {
      this(compiler, identity, new byte[0]);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Hello h
          && compiler.equals(h.compiler)
          && identity.equals(h.identity)
          && java.security.MessageDigest.isEqual(token, h.token);
    }

    @Override
    public int hashCode() {
      return compiler.hashCode() * 31 + identity.hashCode();
    }

    /** Without the token: a secret is never logged. */
    @Override
    public String toString() {
      return "Hello[compiler=" + compiler + ", identity=" + identity + "]";
    }
  }

  /**
   * The daemon denied the client itself ({@code DENY}: no TLS, or no valid token), not its
   * compiler; the client treats it as an unreachable host.
   */
  public static final class Denied extends IOException {
    public Denied(String reason) {
      super(reason);
    }
  }

  /** What a client sends after the handshake: a job by its key, or a job with its sources. */
  public sealed interface Work permits Job, Sources {}

  /**
   * A job with its sources ({@code PJOB}, then distcc's protocol 3 request): a compile whose debug
   * info names the client's files, run on the daemon under their own paths. Not keyed by the
   * client; the daemon keys the files themselves, and answers with a distcc reply ({@code PRPL}).
   */
  public record Sources(DistccRequest.Pump request) implements Work {}

  /** One job's header: the argv (argv[0] the handshake's compiler) and the client's job key. */
  public record Job(List<String> argv, byte[] key) implements Work {
    public Job {
      argv = List.copyOf(argv);
      key = key.clone();
    }
  }

  /**
   * A job's result: the compiler's wait status, what it printed, and the object (empty on failure).
   */
  public record Result(int status, byte[] stdout, byte[] stderr, byte[] object) {}

  /** What the daemon answers to a job header or an upload. */
  public sealed interface Answer {
    /** A miss: upload the source. */
    record Send() implements Answer {}

    /**
     * The job (or, in answer to the handshake, the compiler) may not run there; the reason is for
     * the log.
     */
    record Refused(String reason) implements Answer {}

    /** The result; {@code hit} when it came from the daemon's cache without an upload. */
    record Done(Result result, boolean hit) implements Answer {}

    /** The answer to a job with its sources ({@link Sources}): distcc's reply. */
    record Compiled(DistccReply reply) implements Answer {}
  }

  public static void writeHello(PacketWriter out, Hello hello) throws IOException {
    out.token(MAGIC, REVISION);
    if (hello.token().length > 0) {
      out.body("AUTH", hello.token());
    }
    out.string("CNAM", hello.compiler());
    out.string("CIDN", hello.identity());
  }

  /** Reads the handshake after the caller has seen {@link #MAGIC} (so it starts at the magic). */
  public static Hello readHello(PacketReader in) throws IOException {
    long revision = in.expect(MAGIC);
    if (revision != REVISION) {
      throw new ProtocolException(
          "native protocol revision "
              + revision
              + " is not supported (this daemon speaks "
              + REVISION
              + ")");
    }
    PacketReader.Header h = in.header("AUTH or CNAM");
    byte[] token = new byte[0];
    if (h.token().equals("AUTH")) {
      token = in.body("AUTH", h.value(), MAX_TOKEN_LENGTH);
      h = in.header("CNAM");
    }
    if (!h.token().equals("CNAM")) {
      throw new ProtocolException("expected CNAM but got \"" + h.token() + "\"");
    }
    return new Hello(in.string("CNAM", h.value()), in.expectString("CIDN"), token);
  }

  /** The daemon denies the client itself: {@code DENY} and why; then it closes. */
  public static void writeDenied(PacketWriter out, String reason) throws IOException {
    out.string("DENY", reason);
  }

  /** The daemon's answer to the handshake: {@code OKAY}, or {@code RFSD} and why. */
  public static void writeHelloAnswer(PacketWriter out, String refusal) throws IOException {
    if (refusal == null) {
      out.token("OKAY", 0);
    } else {
      out.string("RFSD", refusal);
    }
  }

  /**
   * Null when the daemon accepted the handshake, else its reason; {@link Denied} when it denied the
   * client.
   */
  public static String readHelloAnswer(PacketReader in) throws IOException {
    PacketReader.Header h = in.header("OKAY or RFSD");
    return switch (h.token()) {
      case "OKAY" -> null;
      case "RFSD" -> in.string("RFSD", h.value());
      case "DENY" -> throw new Denied(in.string("DENY", h.value()));
      default -> throw new ProtocolException("expected OKAY or RFSD but got \"" + h.token() + "\"");
    };
  }

  public static void writeJob(PacketWriter out, Job job) throws IOException {
    out.token("JOB_", job.argv().size());
    for (String a : job.argv()) {
      out.string("ARGV", a);
    }
    out.body("JKEY", job.key());
  }

  public static void writeSources(PacketWriter out, DistccRequest.Pump request) throws IOException {
    out.token("PJOB", 0);
    RequestCodec.write(out, request);
  }

  /** The answer to a {@link Sources} job. */
  public static void writeCompiled(PacketWriter out, DistccReply reply) throws IOException {
    out.token("PRPL", 0);
    ReplyCodec.write(out, reply);
  }

  /**
   * Reads a job header, or a job with its sources; {@link java.io.EOFException} when the client
   * closed the connection between jobs.
   */
  public static Work readWork(PacketReader in) throws IOException {
    PacketReader.Header h = in.header("JOB_ or PJOB");
    return switch (h.token()) {
      case "JOB_" -> readJob(in, h.value());
      case "PJOB" -> {
        if (!(RequestCodec.read(in) instanceof DistccRequest.Pump p)) {
          throw new ProtocolException("PJOB carries a request that is not in pump mode");
        }
        yield new Sources(p);
      }
      default -> throw new ProtocolException("expected JOB_ or PJOB but got \"" + h.token() + "\"");
    };
  }

  /**
   * Reads a job header; {@link java.io.EOFException} when the client closed the connection between
   * jobs.
   */
  public static Job readJob(PacketReader in) throws IOException {
    return readJob(in, in.expect("JOB_"));
  }

  private static Job readJob(PacketReader in, long argc) throws IOException {
    if (argc < 1 || argc > in.limits().maxArgc()) {
      throw new ProtocolException(
          "JOB_ announces " + argc + " arguments (1 to " + in.limits().maxArgc() + ")");
    }
    List<String> argv = new ArrayList<>((int) argc);
    for (long i = 0; i < argc; i++) {
      argv.add(in.expectString("ARGV"));
    }
    long length = in.expect("JKEY");
    if (length != KEY_LENGTH) {
      throw new ProtocolException("JKEY is " + length + " bytes, not " + KEY_LENGTH);
    }
    return new Job(argv, in.body("JKEY", length, KEY_LENGTH));
  }

  public static void writeSend(PacketWriter out) throws IOException {
    out.token("SEND", 0);
  }

  public static void writeRefused(PacketWriter out, String reason) throws IOException {
    out.string("RFSD", reason);
  }

  /** The preprocessed source as {@code SRC4}: its length, then the LZ4 block. */
  public static void writeSource(PacketWriter out, byte[] source) throws IOException {
    writeLz4(out, "SRC4", source);
  }

  public static byte[] readSource(PacketReader in) throws IOException {
    return readLz4(in, "SRC4");
  }

  /**
   * A result: {@code RSLT} (value 1 for a cache hit), {@code STAT}, {@code SOUT}, {@code SERR},
   * {@code OBJ4}.
   */
  public static void writeResult(PacketWriter out, Result r, boolean hit) throws IOException {
    out.token("RSLT", hit ? 1 : 0);
    out.token("STAT", r.status() & 0xffffffffL);
    out.body("SOUT", r.stdout());
    out.body("SERR", r.stderr());
    writeLz4(out, "OBJ4", r.object());
  }

  /**
   * Reads the daemon's answer to a job header ({@code SEND}, {@code RFSD} or a result) or to an
   * upload.
   */
  public static Answer readAnswer(PacketReader in) throws IOException {
    return readAnswer(in, false);
  }

  /**
   * The same, where a {@link Sources} job's answer may come ({@code PRPL}); {@code splitDwarf}:
   * that job asked for a {@code .dwo}.
   */
  public static Answer readAnswer(PacketReader in, boolean splitDwarf) throws IOException {
    PacketReader.Header h = in.header("SEND, RFSD, RSLT or PRPL");
    return switch (h.token()) {
      case "PRPL" -> new Answer.Compiled(ReplyCodec.read(in, ProtocolVersion.V3, splitDwarf));
      case "SEND" -> new Answer.Send();
      case "RFSD" -> new Answer.Refused(in.string("RFSD", h.value()));
      case "RSLT" -> {
        int status = (int) in.expect("STAT");
        byte[] stdout = in.file("SOUT", in.expect("SOUT"), false);
        byte[] stderr = in.file("SERR", in.expect("SERR"), false);
        yield new Answer.Done(
            new Result(status, stdout, stderr, readLz4(in, "OBJ4")), h.value() == 1);
      }
      default ->
          throw new ProtocolException("expected SEND, RFSD or RSLT but got \"" + h.token() + "\"");
    };
  }

  /**
   * {@code token} with the body's uncompressed length as its value, then {@code BLK4} and the LZ4
   * block.
   */
  private static void writeLz4(PacketWriter out, String token, byte[] content) throws IOException {
    out.token(token, content.length);
    out.body("BLK4", content.length == 0 ? content : LZ4.fastCompressor().compress(content));
  }

  private static byte[] readLz4(PacketReader in, String token) throws IOException {
    long plain = in.expect(token);
    DistccLimits limits = in.limits();
    if (plain > limits.maxDecodedLength()) {
      throw new ProtocolException(
          token
              + " announces "
              + plain
              + " bytes, more than the limit of "
              + limits.maxDecodedLength());
    }
    long length = in.expect("BLK4");
    if (plain == 0) {
      if (length != 0) {
        throw new ProtocolException(token + " is empty but its block has " + length + " bytes");
      }
      return new byte[0];
    }
    if (length == 0 || plain > LZ4_MAX_RATIO * length) {
      throw new ProtocolException(
          token
              + " announces "
              + plain
              + " bytes, which a "
              + length
              + "-byte LZ4 block cannot hold");
    }
    byte[] block = in.body("BLK4", length, limits.maxBodyLength());
    in.charge(token, plain);
    byte[] out = new byte[(int) plain];
    LZ4SafeDecompressor d = LZ4.safeDecompressor();
    try {
      int n =
          d.decompress(
              ByteBuffer.wrap(block), 0, block.length, ByteBuffer.wrap(out), 0, out.length);
      if (n != plain) {
        throw new ProtocolException(
            token + " decodes to " + n + " bytes, not the " + plain + " announced");
      }
    } catch (LZ4Exception e) {
      throw new ProtocolException(token + " is not a valid LZ4 block: " + e.getMessage());
    }
    return out;
  }
}
