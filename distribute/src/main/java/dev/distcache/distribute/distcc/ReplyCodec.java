package dev.distcache.distribute.distcc;

import dev.distcache.core.wire.ProtocolException;
import java.io.EOFException;
import java.io.IOException;

/**
 * Reads and writes a {@link DistccReply}: the client reads, the daemon writes. As distccd does, a
 * failed compile gets {@code DOTO} with length 0 and no {@code DOTD}.
 */
public final class ReplyCodec {
  private static final byte[] NONE = new byte[0];

  private ReplyCodec() {}

  /** Writes the whole reply; the caller flushes. */
  public static void write(PacketWriter out, DistccReply reply) throws IOException {
    ProtocolVersion v = reply.version();
    out.token("DONE", v.code());
    out.token("STAT", reply.status() & 0xffffffffL);
    out.file("SERR", reply.stderr(), v.compressed());
    out.file("SOUT", reply.stdout(), v.compressed());
    out.file("DOTO", reply.object(), v.compressed());
    if (v.serverPreprocesses() && reply.succeeded()) {
      out.file("DOTD", reply.dependencies(), v.compressed());
      byte[] dwo = reply.splitDwarf();
      if (dwo != null) {
        out.file("DOTW", dwo, v.compressed());
      }
    }
  }

  /**
   * Reads the reply to a request sent in {@code version}.
   *
   * @throws java.io.EOFException if the server closed the connection without answering (distccd
   *     does that when it refuses a job: client not allowed, compiler not in its list, overload)
   * @throws ProtocolException if the answer is malformed, in another version, or over the limits
   */
  public static DistccReply read(PacketReader in, ProtocolVersion version) throws IOException {
    return read(in, version, false);
  }

  /**
   * Reads the reply to a request sent in {@code version}; with {@code splitDwarf} (a pump job with
   * {@code -gsplit-dwarf} to a distcache daemon) a successful one carries the {@code .dwo} too.
   */
  public static DistccReply read(PacketReader in, ProtocolVersion version, boolean splitDwarf)
      throws IOException {
    long done = in.expect("DONE");
    if (done != version.code()) {
      throw new ProtocolException(
          "the server answered in protocol version "
              + done
              + " to a request in version "
              + version.code());
    }
    try {
      int status = (int) in.expect("STAT");
      byte[] stderr = in.file("SERR", in.expect("SERR"), version.compressed());
      byte[] stdout = in.file("SOUT", in.expect("SOUT"), version.compressed());
      long objectLength = in.expect("DOTO");
      if (status != 0 && objectLength != 0) {
        throw new ProtocolException(
            "the compile failed (status "
                + status
                + ") but DOTO carries "
                + objectLength
                + " bytes");
      }
      byte[] object = in.file("DOTO", objectLength, version.compressed());
      byte[] deps = NONE;
      byte[] dwo = null;
      if (version.serverPreprocesses() && status == 0) {
        deps = in.file("DOTD", in.expect("DOTD"), version.compressed());
        if (splitDwarf) {
          dwo = in.file("DOTW", in.expect("DOTW"), version.compressed());
        }
      }
      return new DistccReply(version, status, stderr, stdout, object, deps, dwo);
    } catch (EOFException e) {
      throw new ProtocolException("the answer ended early: " + e.getMessage());
    }
  }
}
