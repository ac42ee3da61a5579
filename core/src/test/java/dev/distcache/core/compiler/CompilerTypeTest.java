package dev.distcache.core.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompilerTypeTest {
  @TempDir Path tmp;

  @Test
  void guess_followsSymbolicLinksToTheCompilersName() throws IOException {
    Path real = Files.createFile(tmp.resolve("x86_64-linux-gnu-gcc-12"));
    Path cc = Files.createSymbolicLink(tmp.resolve("cc"), real.getFileName());
    Path c89 = Files.createSymbolicLink(tmp.resolve("c89"), cc);
    assertEquals(CompilerType.GCC, CompilerType.guess(c89));
    assertEquals(CompilerType.OTHER, CompilerType.guess(Files.createFile(tmp.resolve("cc1"))));
  }

  @Test
  void ofName_takesTheBaseNameWithoutExtension_asCcacheDoes() {
    assertEquals(CompilerType.GCC, CompilerType.ofName("/opt/bin/G++.exe"));
    assertEquals(CompilerType.GCC, CompilerType.ofName("arm-none-eabi-gcc"));
    assertEquals(CompilerType.CLANG, CompilerType.ofName("/usr/bin/clang++-16"));
    assertEquals(CompilerType.CLANG, CompilerType.ofName("clang-cl"));
    assertEquals(CompilerType.OTHER, CompilerType.ofName("/usr/lib/gcc.d/cc"));
    assertEquals(CompilerType.OTHER, CompilerType.ofName("nvcc"));
  }
}
