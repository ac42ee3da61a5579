package dev.distcache.core.compiler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which family of options a compiler understands, guessed from its name as ccache's guess_compiler
 * does: a name with {@code clang} in it is clang, one with {@code gcc} or {@code g++} is gcc, any
 * other is neither (and gets neither family's special handling, such as diagnostics colour).
 */
public enum CompilerType {
  GCC,
  CLANG,
  OTHER;

  /** The type of the compiler at {@code compiler}, named by the file its symbolic links lead to. */
  public static CompilerType guess(Path compiler) {
    Path p = compiler;
    for (int i = 0; i < 40 && Files.isSymbolicLink(p); i++) {
      try {
        Path target = Files.readSymbolicLink(p);
        p = target.isAbsolute() || p.getParent() == null ? target : p.getParent().resolve(target);
      } catch (IOException e) {
        break;
      }
    }
    Path file = p.getFileName();
    return ofName(file == null ? "" : file.toString());
  }

  /**
   * The type a compiler called {@code name} (a path or a base name) is taken to be, by name alone.
   */
  public static CompilerType ofName(String name) {
    String base = name.substring(name.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    int dot = base.lastIndexOf('.');
    if (dot > 0) {
      base = base.substring(0, dot);
    }
    if (base.contains("clang")) {
      return CLANG;
    }
    return base.contains("gcc") || base.contains("g++") ? GCC : OTHER;
  }
}
