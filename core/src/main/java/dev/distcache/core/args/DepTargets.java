package dev.distcache.core.args;

/**
 * The targets gcc names in a dependency file: each {@code -MT} value as given, each {@code -MQ}
 * value quoted for Make, and without either the output (quoted) when the driver's {@code -MD} or
 * {@code -MMD} comes with {@code -o}, else the preprocessor's own default, the source's base name
 * with {@code .o}.
 */
public final class DepTargets {
  private DepTargets() {}

  /**
   * Quotes a target the way gcc does for {@code -MQ} and the default target: {@code $} to {@code
   * $$}, blanks and {@code #} escaped (backslashes before a blank doubled, as GNU Make reads them).
   */
  public static String quote(String target) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      switch (c) {
        case ' ', '\t' -> {
          for (int j = i - 1; j >= 0 && target.charAt(j) == '\\'; j--) {
            s.append('\\');
          }
          s.append('\\').append(c);
        }
        case '$' -> s.append("$$");
        case '#' -> s.append("\\#");
        default -> s.append(c);
      }
    }
    return s.toString();
  }

  /**
   * The target when no {@code -MT} or {@code -MQ} names one.
   *
   * @param driverDepOption the driver's own {@code -MD} or {@code -MMD} was given (not only {@code
   *     -Wp,-MD,FILE}): only then does the driver pass {@code -o}'s path on as the target
   */
  static String defaultTarget(
      String source, String output, boolean outputExplicit, boolean driverDepOption) {
    return quote(
        outputExplicit && driverDepOption
            ? output
            : OutputNames.stripSuffix(OutputNames.baseName(source)) + ".o");
  }
}
