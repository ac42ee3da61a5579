package dev.distcache.hashing;

import dev.distcache.core.args.Invocation;
import dev.distcache.core.args.KeyArg;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The fields that the preprocessor-mode key and the direct-mode manifest key share, written in one
 * order: the namespace and extra files ({@link KeySettings}), compiler identity, language, the
 * arguments that decide the outputs, flags distcache adds, the environment that changes output
 * ({@link KeyEnvironment}), and the CPU for {@code -march=native}.
 */
final class KeyFields {
  private KeyFields() {}

  /**
   * Writes the shared fields; {@code relativize} maps each path-valued argument, and {@code
   * settings} leaves the ignored options out.
   */
  static void write(
      KeyRecord record,
      String compilerIdentity,
      Invocation inv,
      Map<String, String> env,
      Set<String> sloppiness,
      List<String> extraFlags,
      String cpuSignature,
      KeySettings settings,
      UnaryOperator<String> relativize) {
    settings.write(record);
    record.field("compiler", compilerIdentity);
    record.field("language", inv.language().gccName());
    for (KeyArg a : settings.keptArgs(inv.keyArgs())) {
      record.field(
          "arg", a.hasPath() ? a.option() + relativize.apply(a.path()) + a.tail() : a.text());
    }
    for (String f : extraFlags) {
      record.field("extra-arg", f);
    }
    KeyEnvironment.write(record, env, !sloppiness.contains("locale"));
    if (inv.nativeCpu()) {
      record.field("cpu", cpuSignature);
    }
  }
}
