package dev.distcache.core.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompilerTypeTest {
  @TempDir Path root;

  @Test
  void guess_readsTheFileName_asCcacheDoes() {
    assertEquals(CompilerType.GCC, CompilerType.guess(Path.of("/usr/bin/x86_64-linux-gnu-gcc-12")));
    assertEquals(CompilerType.GCC, CompilerType.guess(Path.of("/usr/bin/g++")));
    assertEquals(CompilerType.CLANG, CompilerType.guess(Path.of("/opt/llvm/bin/Clang++-15")));
    assertEquals(CompilerType.CLANG_CL, CompilerType.guess(Path.of("/x/clang-cl.exe")));
    assertEquals(CompilerType.NVCC, CompilerType.guess(Path.of("/cuda/bin/nvcc")));
    assertEquals(CompilerType.MSVC, CompilerType.guess(Path.of("/x/cl.exe")));
    assertEquals(CompilerType.ICL, CompilerType.guess(Path.of("/x/icl")));
    assertEquals(CompilerType.OTHER, CompilerType.guess(Path.of("/no/such/dir/cc")));
  }

  @Test
  void guess_followsSymbolicLinks_toTheRealName() throws IOException {
    Path real = Files.createFile(root.resolve("gcc-12"));
    Files.createSymbolicLink(root.resolve("mid"), Path.of("gcc-12"));
    Path cc = Files.createSymbolicLink(root.resolve("cc"), root.resolve("mid"));
    assertEquals(CompilerType.GCC, CompilerType.guess(cc));
    assertEquals(CompilerType.GCC, CompilerType.guess(real));
  }

  @Test
  void of_usesTheSetting_andGuessesOnlyForAuto() {
    Path gcc = Path.of("/usr/bin/gcc");
    assertEquals(CompilerType.CLANG, CompilerType.of("clang", gcc));
    assertEquals(CompilerType.OTHER, CompilerType.of("other", gcc));
    assertEquals(CompilerType.GCC, CompilerType.of("auto", gcc));
    assertEquals(CompilerType.GCC, CompilerType.of("gcc", Path.of("/x/mycc")));
  }

  @Test
  void isValidSetting_acceptsCcachesValuesOnly() {
    for (String v :
        new String[] {"auto", "clang", "clang-cl", "gcc", "icl", "msvc", "nvcc", "other"}) {
      assertTrue(CompilerType.isValidSetting(v), v);
    }
    assertFalse(CompilerType.isValidSetting("gnu"));
    assertFalse(CompilerType.isValidSetting(""));
  }

  @Test
  void guess_followsChainsOfRelativeLinks() throws IOException {
    Path real = Files.createFile(root.resolve("x86_64-linux-gnu-gcc-12"));
    Path cc = Files.createSymbolicLink(root.resolve("cc"), real.getFileName());
    Path c89 = Files.createSymbolicLink(root.resolve("c89"), cc);
    assertEquals(CompilerType.GCC, CompilerType.guess(c89));
    assertEquals(CompilerType.OTHER, CompilerType.guess(Files.createFile(root.resolve("cc1"))));
  }

  @Test
  void ofName_takesTheBaseNameWithoutExtension_asCcacheDoes() {
    assertEquals(CompilerType.GCC, CompilerType.ofName("/opt/bin/G++.exe"));
    assertEquals(CompilerType.GCC, CompilerType.ofName("arm-none-eabi-gcc"));
    assertEquals(CompilerType.CLANG, CompilerType.ofName("/usr/bin/clang++-16"));
    assertEquals(CompilerType.CLANG_CL, CompilerType.ofName("clang-cl"));
    assertEquals(CompilerType.OTHER, CompilerType.ofName("/usr/lib/gcc.d/cc"));
    assertEquals(CompilerType.NVCC, CompilerType.ofName("nvcc"));
  }
}
