package dev.distcache.hashing;

import dev.distcache.core.args.Invocation;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The key of a compile in preprocessor mode: BLAKE3 over the compiler identity, the language, the
 * arguments that decide the outputs, the environment that does, the working directory where debug
 * info embeds it, and the preprocessed text.
 *
 * <p>Alongside the key comes the exact hash: the same record with nothing made relative under
 * {@code base_dir}. When a hit's stored exact hash differs from the current one, the result came
 * from another checkout; its object is still right (only what cannot reach the object was made
 * relative), but text that names paths (stdout, stderr, dependency file) may not be, and the caller
 * must check before serving it.
 */
public final class CompileKeys {
  private CompileKeys() {}

  /**
   * What a key is made of.
   *
   * @param cwd the apparent working directory ({@code $PWD} when it names the physical one)
   * @param text the preprocessed output, or the source bytes for languages not preprocessed
   * @param baseDir the base_dir setting, empty for none
   * @param extraFlags arguments distcache adds to the compile (for example a colour flag)
   * @param cpuSignature this machine's CPU, hashed when the arguments ask for -march=native
   * @param settings namespace, extra files and ignored options
   */
  public record Inputs(
      String compilerIdentity,
      Invocation invocation,
      Path cwd,
      Map<String, String> env,
      byte[] text,
      String baseDir,
      boolean hashDir,
      Set<String> sloppiness,
      List<String> extraFlags,
      String cpuSignature,
      KeySettings settings) {
    /** Inputs without namespace, extra files or ignored options. */
    public Inputs(
        String compilerIdentity,
        Invocation invocation,
        Path cwd,
        Map<String, String> env,
        byte[] text,
        String baseDir,
        boolean hashDir,
        Set<String> sloppiness,
        List<String> extraFlags,
        String cpuSignature) {
      this(
          compilerIdentity,
          invocation,
          cwd,
          env,
          text,
          baseDir,
          hashDir,
          sloppiness,
          extraFlags,
          cpuSignature,
          KeySettings.NONE);
    }
  }

  /** The key, the exact hash (hex), and the record as text when a transcript was asked for. */
  public record Keys(ResultKey key, String exact, String transcript) {}

  public static Keys compute(Inputs in, boolean keepTranscript) {
    return compute(in, null, keepTranscript);
  }

  /**
   * The keys, with {@code textDigest} the BLAKE3 of {@code in.text()} when the caller hashed it as
   * it arrived (null: hashed here).
   */
  public static Keys compute(Inputs in, byte[] textDigest, boolean keepTranscript) {
    Pass relative = new Pass(in, textDigest, true, keepTranscript);
    byte[] key = relative.digest();
    String exact =
        relative.relativized
            ? HexFormat.of().formatHex(new Pass(in, textDigest, false, false).digest())
            : HexFormat.of().formatHex(key);
    return new Keys(ResultKey.of(key), exact, relative.record.transcript());
  }

  private static final class Pass {
    final KeyRecord record;
    boolean relativized;
    private final PathPolicy policy;
    private final boolean mayRelativize;

    Pass(Inputs in, byte[] textDigest, boolean mayRelativize, boolean transcript) {
      Invocation inv = in.invocation();
      this.record = KeyRecord.create(transcript);
      this.policy = new PathPolicy(in.baseDir(), in.cwd(), inv.prefixMaps());
      this.mayRelativize = mayRelativize && policy.active() && !inv.recordsSwitches();
      KeyFields.write(
          record,
          in.cwd(),
          in.compilerIdentity(),
          inv,
          in.env(),
          in.sloppiness(),
          in.extraFlags(),
          in.cpuSignature(),
          in.settings(),
          this::relativize);
      String source = inv.source();
      // A preprocessed input that starts with a line marker takes its name from the text, as in
      // ccache (which never hashes a preprocessed input's path): a copy under another name shares.
      boolean namedByText =
          inv.language().preprocessed() && LineMarkers.startsWithMarker(in.text());
      if (inv.debugInfo()) {
        // Debug info names the source as given and the working directory, after the prefix maps.
        if (!namedByText) {
          record.field("source", policy.map(source));
        }
        if (in.hashDir()) {
          record.field("cwd", policy.map(in.cwd().toString()));
        }
      } else if (!namedByText) {
        record.field("source-name", source.substring(source.lastIndexOf('/') + 1));
      }
      byte[] text = text(in);
      // The text's digest: the caller's, taken as the text arrived, when the text is unrewritten.
      record.digestField("text-digest", text, text == in.text() ? textDigest : null);
    }

    private byte[] text(Inputs in) {
      Invocation inv = in.invocation();
      byte[] text = in.text();
      if (inv.language().preprocessed()) {
        return text;
      }
      if (inv.debugInfo()) {
        if (!in.hashDir()) {
          // As in ccache: with hash_dir=false the working directory's marker ("/cwd//", which
          // -g adds) leaves the key, so directories share.
          return LineMarkers.rewrite(text, p -> p.endsWith("//") ? "" : policy.map(p));
        }
        return inv.prefixMaps().isEmpty() ? text : LineMarkers.rewrite(text, policy::map);
      }
      if (mayRelativize && !LineMarkers.usesBuiltinFile(text)) {
        byte[] rewritten = LineMarkers.rewrite(text, this::relativize);
        return rewritten;
      }
      return text;
    }

    private String relativize(String path) {
      if (!mayRelativize) {
        return path;
      }
      String r = policy.relativize(path);
      if (!r.equals(path)) {
        relativized = true;
      }
      return r;
    }

    byte[] digest() {
      return record.digest();
    }
  }
}
