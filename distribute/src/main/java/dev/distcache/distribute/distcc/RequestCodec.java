package dev.distcache.distribute.distcc;

import dev.distcache.core.wire.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes a {@link DistccRequest}: the daemon reads, the client writes. Field order and
 * token names are distcc 3.4's (clirpc.c, srvrpc.c, serve.c).
 */
public final class RequestCodec {
  private RequestCodec() {}

  /** Writes the whole request; the caller flushes. */
  public static void write(PacketWriter out, DistccRequest request) throws IOException {
    ProtocolVersion v = request.version();
    out.token("DIST", v.code());
    if (request instanceof DistccRequest.Pump pump) {
      out.string("CDIR", pump.cwd());
    }
    out.token("ARGC", request.argv().size());
    for (String arg : request.argv()) {
      out.string("ARGV", arg);
    }
    switch (request) {
      case DistccRequest.Preprocessed p -> out.file("DOTI", p.source(), v.compressed());
      case DistccRequest.Pump pump -> {
        out.token("NFIL", pump.files().size());
        for (PumpFile f : pump.files()) {
          out.string("NAME", f.name());
          switch (f) {
            case PumpFile.Regular r -> out.file("FILE", r.content(), true);
            case PumpFile.Link l -> out.string("LINK", l.target());
          }
        }
      }
    }
  }

  /**
   * Reads one request.
   *
   * @throws EOFException if the stream ends before the first byte (the client hung up); a stream
   *     that ends later is a ProtocolException
   * @throws ProtocolException for anything else that is not a well-formed request within the limits
   */
  public static DistccRequest read(PacketReader in) throws IOException {
    ProtocolVersion v = ProtocolVersion.of(in.expect("DIST"));
    try {
      return body(in, v);
    } catch (EOFException e) {
      throw new ProtocolException("the request ended early: " + e.getMessage());
    }
  }

  private static DistccRequest body(PacketReader in, ProtocolVersion v) throws IOException {
    String cwd = v.serverPreprocesses() ? in.expectString("CDIR") : null;
    List<String> argv = argv(in);
    if (!v.serverPreprocesses()) {
      return new DistccRequest.Preprocessed(
          v, argv, in.file("DOTI", in.expect("DOTI"), v.compressed()));
    }
    long n = in.expect("NFIL");
    if (n > in.limits().maxFiles()) {
      throw new ProtocolException(
          "NFIL announces " + n + " files, more than the limit of " + in.limits().maxFiles());
    }
    List<PumpFile> files = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      String name = in.expectString("NAME");
      PacketReader.Header h = in.header("FILE or LINK");
      switch (h.token()) {
        case "FILE" -> files.add(new PumpFile.Regular(name, in.file("FILE", h.value(), true)));
        case "LINK" -> files.add(new PumpFile.Link(name, in.string("LINK", h.value())));
        default ->
            throw new ProtocolException(
                "expected FILE or LINK after NAME " + name + " but got \"" + h.token() + "\"");
      }
    }
    return new DistccRequest.Pump(cwd, argv, files);
  }

  private static List<String> argv(PacketReader in) throws IOException {
    long argc = in.expect("ARGC");
    if (argc == 0) {
      throw new ProtocolException("ARGC is 0: a request needs at least the compiler");
    }
    if (argc > in.limits().maxArgc()) {
      throw new ProtocolException(
          "ARGC is " + argc + ", more than the limit of " + in.limits().maxArgc());
    }
    List<String> argv = new ArrayList<>();
    for (long i = 0; i < argc; i++) {
      argv.add(in.expectString("ARGV"));
    }
    return argv;
  }
}
