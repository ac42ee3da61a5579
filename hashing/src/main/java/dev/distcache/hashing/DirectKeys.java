package dev.distcache.hashing;

import dev.distcache.core.args.Invocation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The keys of direct mode. The manifest key is BLAKE3 over what decides a compile before the
 * preprocessor runs: the fields {@link CompileKeys} shares (compiler, language, arguments,
 * environment, CPU), the source path as given and the source's content, the working directory where
 * debug info embeds it, and the sloppiness words that change what a manifest may hold. Which
 * include files the compile reads, and their contents, are not in it: the manifest it names lists
 * them.
 *
 * <p>Under {@code base_dir}, argument and source paths are made relative as in the result key, so
 * checkouts share one manifest; the origin is the same record with nothing made relative, which
 * tells whether an entry was recorded by a compile of this very checkout (then its paths and
 * diagnostics are exactly this compile's).
 */
public final class DirectKeys {
  /** Bump when the meaning of any field changes: old manifests then simply stop matching. */
  public static final String VERSION = "distcache-manifest-1";

  /** The version of depend mode's result-key record. */
  public static final String DEPEND_VERSION = "distcache-depend-1";

  /** The sloppiness words that change which entries a manifest may hold or trust. */
  private static final Set<String> MANIFEST_SLOPPINESS =
      Set.of("include_file_ctime", "include_file_mtime", "system_headers", "time_macros");

  private DirectKeys() {}

  /**
   * What a manifest key is made of.
   *
   * @param cwd the apparent working directory ({@code $PWD} when it names the physical one)
   * @param source the source file's content hash
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
      ContentHash source,
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
        ContentHash source,
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
          source,
          baseDir,
          hashDir,
          sloppiness,
          extraFlags,
          cpuSignature,
          KeySettings.NONE);
    }
  }

  /**
   * @param manifest the key of the manifest to look up and update
   * @param origin the record with every path as given; equals {@code manifest} (as bytes) when no
   *     rule could rewrite a path
   * @param policy the path rules this compile's keys follow
   * @param mayRelativize paths under base_dir are made relative for this compile (base_dir is set
   *     and the object does not record its command line)
   * @param transcript the manifest record as text, or null when none was asked for
   */
  public record Keys(
      ManifestKey manifest,
      ManifestKey origin,
      PathPolicy policy,
      boolean mayRelativize,
      String transcript) {}

  /** An include file as depend mode's result key holds it. */
  public record DependFile(String path, ContentHash hash) {}

  public static Keys compute(Inputs in, boolean keepTranscript) {
    Invocation inv = in.invocation();
    PathPolicy policy = new PathPolicy(in.baseDir(), in.cwd(), inv.prefixMaps());
    boolean mayRelativize = policy.active() && !inv.recordsSwitches();
    KeyRecord relative = record(in, policy, mayRelativize, false, keepTranscript);
    byte[] manifest = relative.digest();
    boolean rewrites = mayRelativize || (inv.debugInfo() && !inv.prefixMaps().isEmpty());
    byte[] origin = rewrites ? record(in, policy, false, true, false).digest() : manifest;
    return new Keys(
        ManifestKey.of(manifest),
        ManifestKey.of(origin),
        policy,
        mayRelativize,
        relative.transcript());
  }

  /**
   * Depend mode's result key: the compile's origin (its inputs with no path made relative) and each
   * include file the compiler's dependency file lists, with its content hash, in the listed order.
   */
  public static ResultKey dependResult(ManifestKey origin, List<DependFile> files) {
    KeyRecord r = KeyRecord.create(DEPEND_VERSION, false);
    r.field("origin", origin.bytes());
    for (DependFile f : files) {
      r.field("file", f.path());
      r.field("file-content", f.hash().bytes());
    }
    return ResultKey.of(r.digest());
  }

  /**
   * The manifest record; {@code raw} writes every path exactly as given (no base_dir rule, no
   * prefix map), which is the origin's record.
   */
  private static KeyRecord record(
      Inputs in, PathPolicy policy, boolean mayRelativize, boolean raw, boolean keepTranscript) {
    Invocation inv = in.invocation();
    KeyRecord record = KeyRecord.create(VERSION, keepTranscript);
    UnaryOperator<String> relativize = mayRelativize && !raw ? policy::relativize : p -> p;
    UnaryOperator<String> map = raw ? p -> p : policy::map;
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
        relativize);
    if (inv.debugInfo()) {
      // Debug info names the source as given and the working directory, after the prefix maps.
      record.field("source", map.apply(inv.source()));
      if (in.hashDir()) {
        record.field("cwd", map.apply(in.cwd().toString()));
      }
    } else {
      // Quoted includes are looked up beside the source, and __FILE__ expands to its path as given.
      record.field("source-path", relativize.apply(inv.source()));
    }
    record.field("source-content", in.source().bytes());
    Set<String> sloppy = new TreeSet<>(in.sloppiness());
    sloppy.retainAll(MANIFEST_SLOPPINESS);
    record.field("sloppiness", String.join(",", sloppy));
    return record;
  }
}
