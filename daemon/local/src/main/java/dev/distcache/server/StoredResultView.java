package dev.distcache.server;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.EntryCodec;
import dev.distcache.cache.OutputKind;
import dev.distcache.hashing.ResultKey;
import dev.distcache.server.outputs.HitWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One stored result as {@code --inspect} prints it and {@code --extract-result} writes it: ccache's
 * result files, its embedded files named by ccache's suffixes ({@code ccache-result.o}, ...).
 */
final class StoredResultView {
  private final ResultKey key;
  private final CachedResult result;

  StoredResultView(ResultKey key, CachedResult result) {
    this.key = key;
    this.result = result;
  }

  /** ccache's {@code --inspect} lines that apply, then the result's own metadata. */
  String describe() {
    StringBuilder out = new StringBuilder();
    out.append("Result key: ").append(key.hex()).append('\n');
    out.append("Entry size: ").append(EntryCodec.encode(key, result).length).append('\n');
    out.append("Compression type: lz4\n");
    Map<String, String> meta = new TreeMap<>(result.meta());
    out.append("Namespace: ")
        .append(meta.getOrDefault(CachedResult.META_NAMESPACE, ""))
        .append('\n');
    meta.remove(CachedResult.META_NAMESPACE);
    meta.forEach((k, v) -> out.append("Meta ").append(k).append(": ").append(v).append('\n'));
    Map<String, byte[]> files = files();
    out.append("Number of files: ").append(files.size()).append('\n');
    int n = 0;
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      out.append("Embedded file #")
          .append(n++)
          .append(": ")
          .append(f.getKey())
          .append(" (")
          .append(f.getValue().length)
          .append(" bytes)\n");
    }
    return out.toString();
  }

  /**
   * Writes each embedded file into {@code dir} as {@code ccache-result} plus its suffix ({@code
   * <stderr>} as {@code .stderr}), with mode 0666 less the client's {@code umask}.
   */
  void extract(Path dir, int umask, int serverUmask) throws IOException {
    Map<Path, byte[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> f : files().entrySet()) {
      String suffix = f.getKey().replace("<", ".").replace(">", "");
      out.put(dir.resolve("ccache-result" + suffix), f.getValue());
    }
    HitWriter.write(out, umask, serverUmask);
  }

  /** The embedded files in ccache's order (stdout and stderr when not empty, then the outputs). */
  private Map<String, byte[]> files() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    if (result.stdout().length > 0) {
      files.put("<stdout>", result.stdout());
    }
    if (result.stderr().length > 0) {
      files.put("<stderr>", result.stderr());
    }
    result.files().forEach((kind, bytes) -> files.put(suffix(kind), bytes));
    return files;
  }

  /** ccache's suffix for the kind; {@code .s} for an assembler output, which ccache has not. */
  static String suffix(OutputKind kind) {
    return switch (kind) {
      case OBJECT -> ".o";
      case DEPENDENCY -> ".d";
      case SPLIT_DWARF -> ".dwo";
      case ASSEMBLY -> ".s";
      case STACK_USAGE -> ".su";
      case DIAGNOSTICS -> ".dia";
      case ASSEMBLER_LISTING -> ".al";
    };
  }
}
