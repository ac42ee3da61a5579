package dev.distcache.hashing;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The one list of environment variables that enter a cache key, and how they are written into the
 * key record: each one that is set, in this order, as an {@code env} field {@code NAME=value}. Used
 * by the local server's keys ({@link CompileKeys}, {@link DirectKeys}) and by the daemon's (distcc
 * and native jobs), so the two sides can never disagree on what changes a compiler's output. The
 * one difference: the local keys leave out {@code SOURCE_DATE_EPOCH} (see there); the daemon keys
 * its own, as in pump mode its preprocessor expands the dates.
 */
public final class KeyEnvironment {
  /**
   * Variables of the diagnostic language; sloppiness {@code locale} leaves them out of the local
   * keys. TERM is not one: every compile is asked for colour (an extra flag, hashed), and the
   * colour is stripped when shown where it is not wanted.
   */
  static final List<String> LOCALE = List.of("LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES");

  /** Variables that change component lookup, include paths, dates and diagnostics. */
  static final List<String> COMPILER =
      List.of(
          "GCC_COMPARE_DEBUG",
          "COMPILER_PATH",
          "GCC_EXEC_PREFIX",
          "SOURCE_DATE_EPOCH",
          "CPATH",
          "C_INCLUDE_PATH",
          "CPLUS_INCLUDE_PATH",
          "OBJC_INCLUDE_PATH",
          "GCC_COLORS");

  /** Every variable that enters a key: the locale ones, then the compiler ones. */
  public static final List<String> ALL = Stream.concat(LOCALE.stream(), COMPILER.stream()).toList();

  /**
   * Left out of the local server's keys, as in ccache: gcc reads it only to expand {@code __DATE__}
   * and {@code __TIME__}, whose expansions the preprocessed text holds, and direct mode trusts no
   * file that names a time macro (unless {@code time_macros} sloppiness says to).
   */
  static final String SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH";

  private static final List<String> LOCAL =
      ALL.stream().filter(n -> !n.equals(SOURCE_DATE_EPOCH)).toList();
  private static final List<String> LOCAL_WITHOUT_LOCALE =
      COMPILER.stream().filter(n -> !n.equals(SOURCE_DATE_EPOCH)).toList();

  private KeyEnvironment() {}

  /** Writes every variable of {@link #ALL} that {@code env} sets. */
  public static void write(KeyRecord record, Map<String, String> env) {
    write(record, env, ALL);
  }

  /**
   * Writes the local keys' variables (all but {@link #SOURCE_DATE_EPOCH}), leaving out the locale
   * ones when {@code withLocale} is false.
   */
  static void write(KeyRecord record, Map<String, String> env, boolean withLocale) {
    write(record, env, withLocale ? LOCAL : LOCAL_WITHOUT_LOCALE);
  }

  private static void write(KeyRecord record, Map<String, String> env, List<String> names) {
    for (String n : names) {
      String v = env.get(n);
      if (v != null) {
        record.field("env", n + "=" + v);
      }
    }
  }
}
