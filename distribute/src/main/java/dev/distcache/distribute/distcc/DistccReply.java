package dev.distcache.distribute.distcc;

import java.util.Arrays;

/**
 * A distcc server's answer: {@code DONE STAT SERR SOUT DOTO}, and in protocol 3 after a successful
 * compile {@code DOTD}. Byte arrays are uncompressed. When the compile failed the object and the
 * dependency file are empty, as distccd sends them.
 *
 * @param status the compiler's wait status: exit code {@code << 8}, or the signal number
 * @param dependencies the dependency file (protocol 3, success only; empty otherwise)
 * @param splitDwarf a distcache daemon's answer to a pump job with {@code -gsplit-dwarf}: the
 *     {@code .dwo} file, sent as {@code DOTW} after {@code DOTD} (success only); null otherwise.
 *     Stock distcc never sends such a job (it keeps split DWARF local), so never sees the token.
 */
public record DistccReply(
    ProtocolVersion version,
    int status,
    byte[] stderr,
    byte[] stdout,
    byte[] object,
    byte[] dependencies,
    byte[] splitDwarf) {

  /** A reply without a {@code .dwo}. */
  public DistccReply(
      ProtocolVersion version,
      int status,
      byte[] stderr,
      byte[] stdout,
      byte[] object,
      byte[] dependencies) {
    this(version, status, stderr, stdout, object, dependencies, null);
  }

  public DistccReply {
    stderr = stderr.clone();
    stdout = stdout.clone();
    object = object.clone();
    dependencies = dependencies.clone();
    splitDwarf = splitDwarf == null ? null : splitDwarf.clone();
    if (splitDwarf != null && (status != 0 || !version.serverPreprocesses())) {
      throw new IllegalArgumentException("only a successful protocol 3 reply carries a .dwo");
    }
    if (status != 0 && object.length > 0) {
      throw new IllegalArgumentException(
          "a failed compile (status " + status + ") carries no object");
    }
    if ((status != 0 || !version.serverPreprocesses()) && dependencies.length > 0) {
      throw new IllegalArgumentException(
          "only a successful protocol 3 reply carries a dependency file");
    }
  }

  /** Whether the compiler exited with status 0. */
  public boolean succeeded() {
    return status == 0;
  }

  /** The exit code a shell would report: the exit status, or 128 + the signal number. */
  public int exitCode() {
    int signal = status & 0x7f;
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
  }

  @Override
  public byte[] stderr() {
    return stderr.clone();
  }

  @Override
  public byte[] stdout() {
    return stdout.clone();
  }

  @Override
  public byte[] object() {
    return object.clone();
  }

  @Override
  public byte[] dependencies() {
    return dependencies.clone();
  }

  @Override
  public byte[] splitDwarf() {
    return splitDwarf == null ? null : splitDwarf.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DistccReply r
        && r.version == version
        && r.status == status
        && Arrays.equals(r.stderr, stderr)
        && Arrays.equals(r.stdout, stdout)
        && Arrays.equals(r.object, object)
        && Arrays.equals(r.dependencies, dependencies)
        && Arrays.equals(r.splitDwarf, splitDwarf);
  }

  @Override
  public int hashCode() {
    int h = version.hashCode() * 31 + status;
    for (byte[] b : new byte[][] {stderr, stdout, object, dependencies, splitDwarf}) {
      h = h * 31 + Arrays.hashCode(b);
    }
    return h;
  }

  @Override
  public String toString() {
    return "DistccReply["
        + version
        + ", status="
        + status
        + ", stderr="
        + stderr.length
        + ", stdout="
        + stdout.length
        + ", object="
        + object.length
        + ", dependencies="
        + dependencies.length
        + (splitDwarf == null ? "" : ", splitDwarf=" + splitDwarf.length)
        + " bytes]";
  }
}
