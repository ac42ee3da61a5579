package dev.distcache.core.args;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The clang cc1 options a compile may pass through {@code -Xclang} and still be cached or sent to a
 * farm. ccache hashes whatever follows {@code -Xclang} as an ordinary option, apart from the
 * precompiled-header ones; distcache keeps its allow-list principle instead: a cc1 option is
 * allowed only when it reads and writes no file, loads nothing, and leaves the outputs where the
 * driver puts them. Everything else ({@code -load}, {@code -add-plugin}, {@code -emit-llvm}, {@code
 * -ast-dump}, {@code -main-file-name}, {@code -fcolor-diagnostics}, whose colour the cache could
 * not strip, ...) keeps the compile uncached, run exactly as given.
 *
 * <p>The argument of {@code -Xclang} goes to cc1 alone and is never an input or an output of the
 * driver. A cc1 option that takes a value takes it from the next {@code -Xclang} ({@code -Xclang
 * -target-feature -Xclang +avx2}); its value must have the shape {@link #VALUES} gives it.
 */
public final class ClangCc1Options {
  /** cc1 flags that change only code generation. */
  private static final Set<String> FLAGS =
      Set.of(
          "-disable-O0-optnone",
          "-disable-llvm-passes",
          "-disable-llvm-optzns",
          "-fno-pch-timestamp");

  /** cc1 options whose value is the next {@code -Xclang}'s argument, and that value's shape. */
  private static final Map<String, Pattern> VALUES =
      Map.of(
          "-target-feature", Pattern.compile("[+-][A-Za-z0-9_.-]+"),
          "-target-cpu", Pattern.compile("[A-Za-z0-9_.-]+"),
          "-tune-cpu", Pattern.compile("[A-Za-z0-9_.-]+"));

  /**
   * cc1's precompiled-header options: ccache looks through {@code -Xclang} for these, and so does
   * the classifier, which counts them as precompiled headers.
   */
  private static final Set<String> PRECOMPILED_HEADER =
      Set.of("-emit-pch", "-emit-pth", "-include-pch", "-include-pth");

  private ClangCc1Options() {}

  /** True when {@code item} is an allowed cc1 flag. */
  public static boolean isFlag(String item) {
    return FLAGS.contains(item);
  }

  /**
   * True when {@code item} is an allowed cc1 option that takes the next {@code -Xclang}'s value.
   */
  public static boolean takesValue(String item) {
    return VALUES.containsKey(item);
  }

  /** True when {@code value} may be the value of the allowed cc1 option {@code option}. */
  public static boolean isValueOf(String option, String value) {
    Pattern p = VALUES.get(option);
    return p != null && p.matcher(value).matches();
  }

  /** True when {@code value} may be the value of some allowed cc1 option. */
  public static boolean isSomeValue(String value) {
    return VALUES.keySet().stream().anyMatch(o -> isValueOf(o, value));
  }

  /** True when {@code item} is one of cc1's precompiled-header options. */
  public static boolean isPrecompiledHeader(String item) {
    return PRECOMPILED_HEADER.contains(item);
  }
}
