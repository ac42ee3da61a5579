package dev.distcache.core.compiler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The kind of compiler, as ccache's {@code compiler_type} names it: set by the user, or guessed
 * from the real compiler's file name after following its symbolic links ({@code auto}). What
 * depends on the kind (which colour flag the compiler takes, for one) asks this type.
 */
public enum CompilerType {
  CLANG("clang"),
  CLANG_CL("clang-cl"),
  GCC("gcc"),
  ICL("icl"),
  MSVC("msvc"),
  NVCC("nvcc"),
  OTHER("other");

  /** The setting's value that asks for a guess. */
  public static final String AUTO = "auto";

  private static final int MAX_LINKS = 40;

  private final String setting;

  CompilerType(String setting) {
    this.setting = setting;
  }

  /** The name as the setting spells it. */
  public String setting() {
    return setting;
  }

  /** Whether the compiler is clang or clang-cl (which take clang's options). */
  public boolean clangFamily() {
    return this == CLANG || this == CLANG_CL;
  }

  /**
   * The type a {@code compiler_type} value names; empty for {@code auto} and for a value that is
   * not one of ccache's.
   */
  public static Optional<CompilerType> ofSetting(String value) {
    for (CompilerType t : values()) {
      if (t.setting.equals(value.trim())) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code value} is {@code auto} or one of the types. */
  public static boolean isValidSetting(String value) {
    return value.trim().equals(AUTO) || ofSetting(value).isPresent();
  }

  /** The type the setting names, or the guess from {@code compiler} when it is {@code auto}. */
  public static CompilerType of(String setting, Path compiler) {
    return ofSetting(setting).orElseGet(() -> guess(compiler));
  }

  /**
   * ccache's guess: the file name after following links, without its extension, in lower case;
   * clang-cl, clang, gcc or g++, nvcc anywhere in it, or exactly icl or cl.
   */
  public static CompilerType guess(Path compiler) {
    Path p = compiler;
    for (int i = 0; i < MAX_LINKS && Files.isSymbolicLink(p); i++) {
      try {
        Path target = Files.readSymbolicLink(p);
        p = p.getParent() == null ? target : p.getParent().resolve(target);
      } catch (IOException | InvalidPathException | UnsupportedOperationException e) {
        break;
      }
    }
    Path fileName = p.getFileName();
    return ofName(fileName == null ? "" : fileName.toString());
  }

  /**
   * The type a compiler called {@code name} (a path or a base name) is taken to be, by name alone:
   * without its extension, in lower case; clang-cl, clang, gcc or g++, nvcc anywhere in it, or
   * exactly icl or cl.
   */
  public static CompilerType ofName(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      name = name.substring(0, dot);
    }
    if (name.contains("clang-cl")) {
      return CLANG_CL;
    } else if (name.contains("clang")) {
      return CLANG;
    } else if (name.contains("gcc") || name.contains("g++")) {
      return GCC;
    } else if (name.contains("nvcc")) {
      return NVCC;
    } else if (name.equals("icl")) {
      return ICL;
    } else if (name.equals("cl")) {
      return MSVC;
    }
    return OTHER;
  }
}
