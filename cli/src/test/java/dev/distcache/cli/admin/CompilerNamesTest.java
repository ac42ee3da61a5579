package dev.distcache.cli.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompilerNamesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "gcc",
        "g++",
        "cc",
        "c++",
        "clang",
        "clang++",
        "gcc-13",
        "g++-12",
        "gcc-4.8",
        "clang-18",
        "clang++-17",
        "x86_64-linux-gnu-gcc",
        "x86_64-linux-gnu-g++-12",
        "arm-none-eabi-gcc",
        "arm-linux-gnueabihf-g++",
        "aarch64-linux-gnu-gcc-13.2.0",
        "x86_64-pc-linux-gnu-clang",
        "x86_64-pc-linux-gnu-clang++"
      })
  void isCompiler_acceptsCompilerNamesAndTheirVersionedAndCrossForms(String name) {
    assertTrue(CompilerNames.isCompiler(name), name);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gcc-ar",
        "gcc-nm",
        "gcc-ranlib",
        "gcc-ar-12",
        "gcc-nm-13",
        "x86_64-linux-gnu-gcc-ar",
        "x86_64-linux-gnu-gcc-nm",
        "x86_64-linux-gnu-gcc-ranlib",
        "x86_64-linux-gnu-gcc-ar-12",
        "clang-format",
        "clang-tidy-18",
        "clang-cpp",
        "ld",
        "cpp",
        "c89",
        "gccgo",
        "distcache",
        "gcc-",
        "-gcc",
        "xgcc"
      })
  void isCompiler_rejectsBinutilsWrappersAndOtherTools(String name) {
    assertFalse(CompilerNames.isCompiler(name), name);
  }
}
