package dev.distcache.hashing;

import dev.distcache.core.args.Invocation;
import dev.distcache.core.args.KeyArg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The fields that the preprocessor-mode key and the direct-mode manifest key share, written in one
 * order: the namespace and extra files ({@link KeySettings}), compiler identity, language, the
 * arguments that decide the outputs, flags distcache adds, the environment that changes output
 * ({@link KeyEnvironment}), the CPU for {@code -march=native}, and the content of the files the
 * arguments name for the compiler to read (sanitizer lists, as ccache hashes them).
 */
final class KeyFields {
  private KeyFields() {}

  /**
   * Writes the shared fields; {@code relativize} maps each path-valued argument, {@code settings}
   * leaves the ignored options out, and {@code cwd} is where the invocation's key files are found.
   */
  static void write(
      KeyRecord record,
      Path cwd,
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
    boolean sloppyIndexStore = sloppiness.contains("clang_index_store");
    for (KeyArg a : settings.keptArgs(inv.keyArgs())) {
      if (sloppyIndexStore && a.option().equals(KeyArg.INDEX_STORE_PATH)) {
        continue; // its path holds a UUID that would make every build miss
      }
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
    for (String file : inv.keyFiles()) {
      record.field("key-file", content(cwd, file));
    }
  }

  /**
   * The file's content hash, or an empty field when it cannot be read: the compiler will fail on it
   * then, and a failed compile is never stored.
   */
  private static byte[] content(Path cwd, String file) {
    try {
      return ContentHash.ofContent(Files.readAllBytes(cwd.resolve(file))).bytes();
    } catch (IOException | InvalidPathException e) {
      return new byte[0];
    }
  }
}
