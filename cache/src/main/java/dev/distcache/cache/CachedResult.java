package dev.distcache.cache;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One successful compile: its output files, stdout and stderr, and string metadata the compile path
 * needs to write a hit correctly (for example the object path a dependency file names).
 */
public final class CachedResult {
  /**
   * The meta key holding the {@code namespace} the result was stored under (absent for none), so
   * that a result's namespace can be told from the stored entry alone.
   */
  public static final String META_NAMESPACE = "namespace";

  private final Map<OutputKind, byte[]> files;
  private final byte[] stdout;
  private final byte[] stderr;
  private final Map<String, String> meta;

  public CachedResult(
      Map<OutputKind, byte[]> files, byte[] stdout, byte[] stderr, Map<String, String> meta) {
    EnumMap<OutputKind, byte[]> copy = new EnumMap<>(OutputKind.class);
    files.forEach((k, v) -> copy.put(Objects.requireNonNull(k), v.clone()));
    this.files = copy;
    this.stdout = stdout.clone();
    this.stderr = stderr.clone();
    this.meta = Map.copyOf(meta);
  }

  public Map<OutputKind, byte[]> files() {
    EnumMap<OutputKind, byte[]> copy = new EnumMap<>(OutputKind.class);
    files.forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }

  public byte[] file(OutputKind kind) {
    byte[] b = files.get(kind);
    return b == null ? null : b.clone();
  }

  public byte[] stdout() {
    return stdout.clone();
  }

  public byte[] stderr() {
    return stderr.clone();
  }

  public Map<String, String> meta() {
    return meta;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CachedResult r)) {
      return false;
    }
    if (!files.keySet().equals(r.files.keySet())) {
      return false;
    }
    for (Map.Entry<OutputKind, byte[]> e : files.entrySet()) {
      if (!Arrays.equals(e.getValue(), r.files.get(e.getKey()))) {
        return false;
      }
    }
    return Arrays.equals(stdout, r.stdout)
        && Arrays.equals(stderr, r.stderr)
        && meta.equals(r.meta);
  }

  /** Sizes rather than bytes, so failing tests and logs stay readable. */
  @Override
  public String toString() {
    Map<OutputKind, Integer> sizes = new EnumMap<>(OutputKind.class);
    files.forEach((k, v) -> sizes.put(k, v.length));
    return "CachedResult[files="
        + sizes
        + " (bytes), stdout="
        + stdout.length
        + " bytes, stderr="
        + stderr.length
        + " bytes, meta="
        + meta
        + "]";
  }

  @Override
  public int hashCode() {
    return Objects.hash(files.keySet(), Arrays.hashCode(stdout), Arrays.hashCode(stderr), meta);
  }
}
