package dev.distcache.core.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LanguageTest {
  @Test
  void forFileName_followsGccSuffixes() {
    assertEquals(Language.C, Language.forFileName("dir/foo.c", false));
    assertEquals(Language.CXX, Language.forFileName("foo.c", true));
    assertEquals(Language.CXX, Language.forFileName("foo.cc", false));
    assertEquals(Language.CXX, Language.forFileName("foo.cxx", false));
    assertEquals(Language.CXX, Language.forFileName("foo.c++", false));
    assertEquals(Language.OBJC, Language.forFileName("foo.m", false));
    assertEquals(Language.OBJCXX, Language.forFileName("foo.mm", false));
    assertEquals(Language.ASSEMBLER_WITH_CPP, Language.forFileName("foo.sx", false));
    assertEquals(Language.OBJC_PREPROCESSED, Language.forFileName("foo.mi", false));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"foo", "foo.", "foo.h", "foo.o", "foo.a", "lib.so", "dir.c/foo", "foo.f90", ""})
  void forFileName_unknownHeaderOrLinkerInput_isNull(String name) {
    assertNull(Language.forFileName(name, false), name);
  }

  @Test
  void forXName_knowsGccNamesOnly() {
    for (Language l : Language.values()) {
      assertEquals(l, Language.forXName(l.gccName()));
    }
    assertNull(Language.forXName("fortran"));
    assertNull(Language.forXName("c-header"));
  }

  @Test
  void preprocessed_isTrueForAssemblerAndCppOutputOnly() {
    assertTrue(Language.ASSEMBLER.preprocessed());
    assertTrue(Language.CXX_PREPROCESSED.preprocessed());
    assertFalse(Language.C.preprocessed());
    assertFalse(Language.ASSEMBLER_WITH_CPP.preprocessed());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.h", "a.hh", "a.hpp", "a.hxx", "a.h++", "a.tcc", "a.H", "A.HPP"})
  void isHeaderName_acceptsHeaderSuffixes(String name) {
    assertTrue(Language.isHeaderName(name));
  }

  @Test
  void isHeaderName_rejectsSources() {
    assertFalse(Language.isHeaderName("a.c"));
    assertFalse(Language.isHeaderName("a.hc"));
  }
}
