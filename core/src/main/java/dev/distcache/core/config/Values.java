package dev.distcache.core.config;

import java.util.Locale;

/**
 * Parsers for configuration values, with ccache's spellings (sizes: k/M/G/T decimal, Ki/Mi/Gi/Ti
 * binary).
 */
public final class Values {
  private static final long GB = 1_000_000_000L;
  private static final long MB = 1_000_000L;

  private Values() {}

  /**
   * Parses a size such as {@code 5G}, {@code 500Mi}, {@code 1.5GB} or {@code 0} (no limit); no
   * suffix means G.
   */
  public static long parseSize(String text) throws ConfigException {
    String s = text.trim();
    int i = 0;
    while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
      i++;
    }
    if (i == 0) {
      throw new ConfigException(
          "invalid size: \""
              + text
              + "\" (expected a number with an optional k, M, G, T, Ki, Mi, Gi or Ti suffix)");
    }
    double number;
    try {
      number = Double.parseDouble(s.substring(0, i));
    } catch (NumberFormatException e) {
      throw new ConfigException("invalid size: \"" + text + "\"");
    }
    String suffix = s.substring(i).trim();
    if (suffix.equals("B") || suffix.equals("b")) {
      return (long) number;
    }
    if (suffix.endsWith("B") || suffix.endsWith("b")) {
      suffix = suffix.substring(0, suffix.length() - 1);
    }
    long unit =
        switch (suffix) {
          case "", "G", "g" -> 1_000_000_000L;
          case "k", "K" -> 1_000L;
          case "M", "m" -> 1_000_000L;
          case "T", "t" -> 1_000_000_000_000L;
          case "Ki", "ki" -> 1L << 10;
          case "Mi", "mi" -> 1L << 20;
          case "Gi", "gi" -> 1L << 30;
          case "Ti", "ti" -> 1L << 40;
          default ->
              throw new ConfigException(
                  "invalid size suffix in \"" + text + "\" (use k, M, G, T, Ki, Mi, Gi or Ti)");
        };
    if (number == 0
        && suffix.isEmpty()
        && s.substring(0, i).chars().allMatch(c -> c == '0' || c == '.')) {
      return 0;
    }
    return (long) (number * unit);
  }

  /**
   * A size the way ccache shows it to people ({@code -M}'s confirmation, cleanup reports): decimal
   * units with one decimal, {@code "5.0 GB"}, {@code "1.5 MB"}, {@code "0.5 kB"}.
   */
  public static String formatSize(long bytes) {
    if (bytes >= GB) {
      return String.format(Locale.ROOT, "%.1f GB", bytes / (double) GB);
    }
    if (bytes >= MB) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / (double) MB);
    }
    return String.format(Locale.ROOT, "%.1f kB", bytes / 1000.0);
  }

  /**
   * A size the way ccache's {@code -p} and {@code -k} show a size setting, in a form {@link
   * #parseSize} reads back: {@code "5.0G"}, {@code "500.0M"}, or plain bytes below 1 MB.
   */
  public static String formatParsableSize(long bytes) {
    if (bytes >= GB) {
      return String.format(Locale.ROOT, "%.1fG", bytes / (double) GB);
    }
    if (bytes >= MB) {
      return String.format(Locale.ROOT, "%.1fM", bytes / (double) MB);
    }
    return Long.toString(bytes);
  }

  /** A size in decimal gigabytes with two decimals, as ccache's {@code -s} "Cache size (GB)". */
  public static String formatGigabytes(long bytes) {
    return String.format(Locale.ROOT, "%.2f", bytes / (double) GB);
  }

  /** Parses an octal umask such as {@code 002} or {@code 0022}; empty text means none. */
  public static java.util.OptionalInt parseUmask(String text) throws ConfigException {
    String s = text.trim();
    if (s.isEmpty()) {
      return java.util.OptionalInt.empty();
    }
    try {
      int umask = Integer.parseInt(s, 8);
      if (umask >= 0 && umask <= 0777) {
        return java.util.OptionalInt.of(umask);
      }
    } catch (NumberFormatException e) {
      // Said below.
    }
    throw new ConfigException("\"" + text + "\" is not an octal umask (such as 002 or 022)");
  }

  /**
   * A file mode's permission bits as {@code ls} shows them: {@code 0640} is {@code "rw-r-----"}.
   */
  public static String modeText(int mode) {
    StringBuilder out = new StringBuilder(9);
    for (int bit = 8; bit >= 0; bit--) {
      out.append((mode & (1 << bit)) != 0 ? "rwx".charAt((8 - bit) % 3) : '-');
    }
    return out.toString();
  }

  /** Parses a duration: a number of seconds, or with a suffix s, m, h or d. */
  public static long parseSeconds(String text, char defaultUnit) throws ConfigException {
    String s = text.trim();
    if (s.isEmpty()) {
      throw new ConfigException("invalid duration: empty");
    }
    char last = s.charAt(s.length() - 1);
    char unit = Character.isDigit(last) ? defaultUnit : last;
    String digits = Character.isDigit(last) ? s : s.substring(0, s.length() - 1);
    long n;
    try {
      n = Long.parseLong(digits.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(
          "invalid duration: \""
              + text
              + "\" (expected a number with an optional s, m, h or d suffix)");
    }
    if (n < 0) {
      throw new ConfigException("invalid duration: \"" + text + "\" is negative");
    }
    return switch (unit) {
      case 's' -> n;
      case 'm' -> n * 60;
      case 'h' -> n * 3600;
      case 'd' -> n * 86400;
      default ->
          throw new ConfigException(
              "invalid duration suffix in \"" + text + "\" (use s, m, h or d)");
    };
  }

  /** ccache's reading of a boolean: 0, false, disable and no (any case) are false. */
  public static boolean parseBool(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    return !(s.equals("0")
        || s.equals("false")
        || s.equals("disable")
        || s.equals("no")
        || s.equals("off"));
  }
}
