package dev.distcache.hashing;

import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.core.args.KeyArg;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings that change what every key holds, as ccache's: {@code namespace} (entries of
 * different namespaces never share), {@code extra_files_to_hash} (their contents, read once per
 * compile by the caller) and {@code ignore_options} (arguments left out of the key). The same for
 * the preprocessor-mode key and the direct-mode manifest key.
 *
 * @param namespace the namespace, empty for none
 * @param extraFiles the extra files in the order the setting lists them, with their content hashes
 * @param ignoreOptions options left out of the key; one ending in {@code *} matches by prefix
 */
public record KeySettings(
    String namespace, List<ExtraFile> extraFiles, List<String> ignoreOptions) {
  /** No namespace, no extra file, nothing ignored: keys as without these settings. */
  public static final KeySettings NONE = new KeySettings("", List.of(), List.of());

  /** A file of {@code extra_files_to_hash} as the key holds it. */
  public record ExtraFile(String path, ContentHash hash) {}

  public KeySettings {
    extraFiles = List.copyOf(extraFiles);
    ignoreOptions = valid(ignoreOptions);
  }

  /**
   * The arguments that enter the key: {@code args} without the ignored ones. An ignored option that
   * takes its value as the next argument ({@code -I dir}) takes that value with it, as in ccache.
   */
  List<KeyArg> keptArgs(List<KeyArg> args) {
    if (ignoreOptions.isEmpty()) {
      return args;
    }
    List<KeyArg> kept = new ArrayList<>(args.size());
    for (int i = 0; i < args.size(); i++) {
      String text = args.get(i).text();
      if (ignores(text)) {
        if (ArgsClassifier.takesSeparateValue(text)) {
          i++;
        }
        continue;
      }
      kept.add(args.get(i));
    }
    return kept;
  }

  /** Whether {@code arg} is one of the ignored options, or starts as a {@code *} pattern does. */
  boolean ignores(String arg) {
    for (String pattern : ignoreOptions) {
      if (pattern.equals(arg)
          || (pattern.endsWith("*")
              && arg.startsWith(pattern.substring(0, pattern.length() - 1)))) {
        return true;
      }
    }
    return false;
  }

  /** Writes the namespace and the extra files (nothing when they are not set). */
  void write(KeyRecord record) {
    if (!namespace.isEmpty()) {
      record.field("namespace", namespace);
    }
    for (ExtraFile f : extraFiles) {
      record.field("extra-file", f.hash().bytes());
    }
  }

  /** As ccache: a pattern with a {@code *} anywhere but at its end is skipped. */
  private static List<String> valid(List<String> patterns) {
    List<String> out = new ArrayList<>();
    for (String p : patterns) {
      int star = p.indexOf('*');
      if (!p.isEmpty() && (star < 0 || star == p.length() - 1)) {
        out.add(p);
      }
    }
    return List.copyOf(out);
  }
}
