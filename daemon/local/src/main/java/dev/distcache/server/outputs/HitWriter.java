package dev.distcache.server.outputs;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.OutputKind;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.args.SideOutput;
import dev.distcache.core.process.ProcessRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Turns a compile's outputs into a stored result, and a stored result back into output files. A
 * stored result is served only when every file it writes is exactly what the compiler would write
 * for this invocation; otherwise the caller treats the lookup as a miss.
 */
public final class HitWriter {
  static final String META_EXACT = "exact";

  /** The targets the stored dependency file names, as gcc wrote them, separated by NUL. */
  static final String META_DEP_TARGETS = "dep_targets";

  private HitWriter() {}

  /** Why a stored result cannot be served here. */
  public static final class NotServableException extends Exception {
    NotServableException(String message) {
      super(message);
    }
  }

  /** The files to write for {@code inv}, or why the result cannot be used for it. */
  public static Map<Path, byte[]> filesFor(
      CachedResult r, Invocation inv, Path cwd, String exact, String baseDir)
      throws NotServableException {
    boolean sameOrigin = exact.equals(r.meta().get(META_EXACT));
    if (!sameOrigin && (r.stdout().length > 0 || r.stderr().length > 0)) {
      throw new NotServableException("stored output names paths of another checkout");
    }
    Map<Path, byte[]> files = new HashMap<>();
    if (inv.objectExpected()) {
      byte[] object = r.file(inv.assembly() ? OutputKind.ASSEMBLY : OutputKind.OBJECT);
      if (object == null) {
        throw new NotServableException(
            "stored result has no " + (inv.assembly() ? "assembly" : "object"));
      }
      files.put(cwd.resolve(inv.output()), object);
    }
    if (inv.depFile().isPresent()) {
      byte[] dep = r.file(OutputKind.DEPENDENCY);
      if (dep == null) {
        throw new NotServableException("stored result has no dependency file");
      }
      // Another origin's file names the paths of its own compile: they are renamed for this one.
      UnaryOperator<String> rename = sameOrigin ? null : OtherCheckout.renamer(r.meta(), inv, cwd);
      if (!sameOrigin && rename == null) {
        throw new NotServableException("stored dependency file names paths of another checkout");
      }
      String stored = r.meta().get(META_DEP_TARGETS);
      if (stored == null) {
        throw new NotServableException("stored result does not name its dependency targets");
      }
      List<String> storedTargets = List.of(stored.split("\0", -1));
      if (rename != null || !storedTargets.equals(inv.depTargets())) {
        dep = DepFiles.rewrite(dep, storedTargets, inv.depTargets(), rename);
        if (dep == null) {
          throw new NotServableException("stored dependency file is not laid out as gcc does");
        }
      }
      files.put(cwd.resolve(inv.depFile().get()), dep);
    }
    byte[] dwo = r.file(OutputKind.SPLIT_DWARF);
    if (inv.dwoFile().isPresent() && dwo != null) {
      files.put(cwd.resolve(inv.dwoFile().get()), dwo);
    }
    for (SideOutput side : inv.sideOutputs()) {
      byte[] bytes = r.file(OutputKind.of(side.kind()));
      if (bytes == null) {
        throw new NotServableException("stored result has no " + side.kind() + " file");
      }
      if (!sameOrigin
          && !baseDir.isEmpty()
          && new String(bytes, StandardCharsets.ISO_8859_1).contains(baseDir)) {
        // .su files and listings name the source as given
        throw new NotServableException(
            "stored " + side.kind() + " file names paths of another checkout");
      }
      files.put(cwd.resolve(side.path()), bytes);
    }
    return files;
  }

  /** Writes the files with the client's {@code umask}; {@code processUmask} is the server's own. */
  public static void write(Map<Path, byte[]> files, int umask, int processUmask)
      throws IOException {
    for (Map.Entry<Path, byte[]> f : files.entrySet()) {
      OutputFiles.write(f.getKey(), f.getValue(), umask, processUmask);
    }
  }

  /** Reads what a successful compile wrote; empty when an expected output is missing or empty. */
  public static Optional<CachedResult> capture(
      Invocation inv, Path cwd, ProcessRunner.Exec exec, String exact, long startedMillis)
      throws IOException {
    Map<OutputKind, byte[]> files = new HashMap<>();
    if (inv.objectExpected()) {
      Path out = cwd.resolve(inv.output());
      if (!Files.isRegularFile(out) || Files.size(out) == 0) {
        return Optional.empty();
      }
      files.put(inv.assembly() ? OutputKind.ASSEMBLY : OutputKind.OBJECT, Files.readAllBytes(out));
    }
    for (SideOutput side : inv.sideOutputs()) {
      // As in ccache, a result lacks no file the compile should have written (a .su may be empty).
      Path p = cwd.resolve(side.path());
      if (!Files.isRegularFile(p)) {
        return Optional.empty();
      }
      files.put(OutputKind.of(side.kind()), Files.readAllBytes(p));
    }
    Map<String, String> meta = new HashMap<>();
    meta.put(META_EXACT, exact);
    if (inv.depFile().isPresent()) {
      Path dep = cwd.resolve(inv.depFile().get());
      if (!Files.isRegularFile(dep)) {
        return Optional.empty();
      }
      files.put(OutputKind.DEPENDENCY, Files.readAllBytes(dep));
      meta.put(META_DEP_TARGETS, String.join("\0", inv.depTargets()));
      meta.putAll(OtherCheckout.meta(inv));
    }
    if (inv.dwoFile().isPresent()) {
      // Stored only when this compile wrote it (gcc always does with -c; a wrapper might not).
      // Kernel file times lag the clock by a few milliseconds, hence the slack.
      Path dwo = cwd.resolve(inv.dwoFile().get());
      if (Files.isRegularFile(dwo)
          && Files.getLastModifiedTime(dwo).toMillis() >= startedMillis - 10) {
        files.put(OutputKind.SPLIT_DWARF, Files.readAllBytes(dwo));
      }
    }
    return Optional.of(new CachedResult(files, exec.stdout(), exec.stderr(), meta));
  }
}
