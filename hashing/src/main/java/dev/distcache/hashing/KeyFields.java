package dev.distcache.hashing;

import dev.distcache.core.args.Invocation;
import dev.distcache.core.args.KeyArg;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The fields that the preprocessor-mode key and the direct-mode manifest key share, written in one
 * order: compiler identity, language, the arguments that decide the outputs, flags distcache adds,
 * the environment that changes output, and the CPU for {@code -march=native}.
 */
final class KeyFields {
  /**
   * Variables that change what the compiler writes (diagnostic language, component lookup, dates).
   * TERM is not one: the server's compile never writes to a terminal, and the colour distcache asks
   * for instead is hashed as an extra flag.
   */
  private static final List<String> LOCALE_VARIABLES =
      List.of("LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES");

  private static final List<String> COMPILER_VARIABLES =
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

  private KeyFields() {}

  /** Writes the shared fields; {@code relativize} maps each path-valued argument. */
  static void write(
      KeyRecord record,
      String compilerIdentity,
      Invocation inv,
      Map<String, String> env,
      Set<String> sloppiness,
      List<String> extraFlags,
      String cpuSignature,
      UnaryOperator<String> relativize) {
    record.field("compiler", compilerIdentity);
    record.field("language", inv.language().gccName());
    for (KeyArg a : inv.keyArgs()) {
      record.field(
          "arg", a.hasPath() ? a.option() + relativize.apply(a.path()) + a.tail() : a.text());
    }
    for (String f : extraFlags) {
      record.field("extra-arg", f);
    }
    if (!sloppiness.contains("locale")) {
      env(record, env, LOCALE_VARIABLES);
    }
    env(record, env, COMPILER_VARIABLES);
    if (inv.nativeCpu()) {
      record.field("cpu", cpuSignature);
    }
  }

  private static void env(KeyRecord record, Map<String, String> env, List<String> names) {
    for (String n : names) {
      String v = env.get(n);
      if (v != null) {
        record.field("env", n + "=" + v);
      }
    }
  }
}
