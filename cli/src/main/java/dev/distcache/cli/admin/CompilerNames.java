package dev.distcache.cli.admin;

import java.util.regex.Pattern;

/**
 * Which executable names are compilers worth a masquerade link: gcc, g++, cc, c++, clang and
 * clang++, their versioned forms ({@code gcc-13}, {@code clang++-18}) and their cross forms ({@code
 * aarch64-linux-gnu-gcc}, {@code x86_64-linux-gnu-g++-12}). Binutils wrappers such as {@code
 * gcc-ar}, {@code gcc-nm} and {@code x86_64-linux-gnu-gcc-ranlib} do not match, because what
 * follows the compiler name must be a version.
 */
final class CompilerNames {
  private static final String VERSION = "(-\\d+(\\.\\d+)*)?";
  private static final Pattern COMPILER =
      Pattern.compile("cc|c\\+\\+|(.+-)?(gcc|g\\+\\+|clang|clang\\+\\+)" + VERSION);

  private CompilerNames() {}

  static boolean isCompiler(String name) {
    return COMPILER.matcher(name).matches();
  }
}
