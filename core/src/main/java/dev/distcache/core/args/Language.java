package dev.distcache.core.args;

import java.util.Locale;

/** Source languages distcache caches, with gcc's {@code -x} names. */
public enum Language {
  C("c", false),
  CXX("c++", false),
  OBJC("objective-c", false),
  OBJCXX("objective-c++", false),
  ASSEMBLER_WITH_CPP("assembler-with-cpp", false),
  /** Plain assembler and already-preprocessed sources: hashed as they are, never preprocessed. */
  ASSEMBLER("assembler", true),
  C_PREPROCESSED("cpp-output", true),
  CXX_PREPROCESSED("c++-cpp-output", true),
  OBJC_PREPROCESSED("objective-c-cpp-output", true),
  OBJCXX_PREPROCESSED("objective-c++-cpp-output", true);

  private final String gccName;
  private final boolean preprocessed;

  Language(String gccName, boolean preprocessed) {
    this.gccName = gccName;
    this.preprocessed = preprocessed;
  }

  public String gccName() {
    return gccName;
  }

  /** True when the source is not run through the preprocessor, so its bytes are the key input. */
  public boolean preprocessed() {
    return preprocessed;
  }

  /** The language for a {@code -x} value; null for languages distcache does not cache. */
  public static Language forXName(String name) {
    for (Language l : values()) {
      if (l.gccName.equals(name)) {
        return l;
      }
    }
    return null;
  }

  /** What gcc infers from the file name; null for headers, unknown and linker inputs. */
  public static Language forFileName(String name, boolean cxxDriver) {
    int dot = name.lastIndexOf('.');
    int slash = name.lastIndexOf('/');
    if (dot <= slash + 0 || dot < 0) {
      return null;
    }
    String ext = name.substring(dot + 1);
    return switch (ext) {
      case "c" -> cxxDriver ? CXX : C;
      case "cc", "cp", "cxx", "cpp", "CPP", "c++", "C" -> CXX;
      case "m" -> OBJC;
      case "mm", "M" -> OBJCXX;
      case "S", "sx" -> ASSEMBLER_WITH_CPP;
      case "s" -> ASSEMBLER;
      case "i" -> cxxDriver ? CXX_PREPROCESSED : C_PREPROCESSED;
      case "ii" -> CXX_PREPROCESSED;
      case "mi" -> OBJC_PREPROCESSED;
      case "mii" -> OBJCXX_PREPROCESSED;
      default -> null;
    };
  }

  /** True for names gcc compiles as a header (to a precompiled header). */
  public static boolean isHeaderName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".h")
        || lower.endsWith(".hh")
        || lower.endsWith(".hpp")
        || lower.endsWith(".hxx")
        || lower.endsWith(".h++")
        || lower.endsWith(".tcc")
        || name.endsWith(".H");
  }
}
