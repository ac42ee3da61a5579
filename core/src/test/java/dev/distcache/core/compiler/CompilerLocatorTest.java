package dev.distcache.core.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.compiler.CompilerLocator.Located;
import dev.distcache.core.compiler.CompilerLocator.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fake installation: {@code self/distcache} is distcache, {@code masq/gcc} a masquerade link to
 * it, {@code a/gcc} and {@code b/gcc} real compilers, {@code selfbin/gcc} another link to distcache
 * outside the masquerade directory.
 */
class CompilerLocatorTest {
  @TempDir Path root;
  private Path self;
  private Path masq;
  private Path a;
  private Path b;
  private Path selfbin;
  private CompilerLocator locator;

  @BeforeEach
  void install() throws IOException {
    self = executable(root.resolve("self/distcache"));
    masq = Files.createDirectories(root.resolve("masq"));
    Files.createSymbolicLink(masq.resolve("gcc"), self);
    selfbin = Files.createDirectories(root.resolve("selfbin"));
    Files.createSymbolicLink(selfbin.resolve("gcc"), self);
    a = executable(root.resolve("a/gcc")).getParent();
    b = executable(root.resolve("b/gcc")).getParent();
    locator = new CompilerLocator(Set.of(self.toRealPath()));
  }

  @Test
  void locate_inPrefixMode_skipsPathEntriesThatResolveToSelf() throws Exception {
    Located l = locator.locate("gcc", "", env(path(selfbin, masq, b)), root);
    assertEquals(b.resolve("gcc"), l.compiler());
  }

  @Test
  void locate_asMasquerade_skipsEverythingUpToAndIncludingTheMasqueradeDir() throws Exception {
    Located l = locator.locate("gcc", masq.resolve("gcc").toString(), env(path(a, masq, b)), root);
    assertEquals(b.resolve("gcc"), l.compiler());
  }

  @Test
  void locate_asMasquerade_recognisesTheMasqueradeDirThroughASymlink() throws Exception {
    Path alias = Files.createSymbolicLink(root.resolve("alias"), masq);
    Located l = locator.locate("gcc", masq.resolve("gcc").toString(), env(path(a, alias, b)), root);
    assertEquals(b.resolve("gcc"), l.compiler());
  }

  @Test
  void locate_whenMasqueradeDirNotInPath_searchesAllOfPath() throws Exception {
    Located l = locator.locate("gcc", masq.resolve("gcc").toString(), env(path(a, b)), root);
    assertEquals(a.resolve("gcc"), l.compiler());
  }

  @Test
  void locate_skipsNonExecutableFiles() throws Exception {
    Path plain = Files.createDirectories(root.resolve("plain"));
    Files.writeString(plain.resolve("gcc"), "not a program");
    Located l = locator.locate("gcc", "", env(path(plain, b)), root);
    assertEquals(b.resolve("gcc"), l.compiler());
  }

  @Test
  void locate_withAbsolutePath_usesItWithoutSearching() throws Exception {
    Located l = locator.locate(b.resolve("gcc").toString(), "", env(path(a)), root);
    assertEquals(b.resolve("gcc"), l.compiler());
  }

  @Test
  void locate_withRelativePathContainingSlash_resolvesAgainstCwd() throws Exception {
    Located l = locator.locate("b/gcc", "", env(path(a)), root);
    assertEquals(root.resolve("b/gcc"), l.compiler());
  }

  @Test
  void locate_withPathToSelf_failsSayingItIsDistcache() {
    NotFoundException e =
        assertThrows(
            NotFoundException.class,
            () -> locator.locate(masq.resolve("gcc").toString(), "", env(path(b)), root));
    assertTrue(e.getMessage().contains("distcache itself"), e.getMessage());
  }

  @Test
  void locate_withPathToMissingFile_failsNamingIt() {
    NotFoundException e =
        assertThrows(
            NotFoundException.class, () -> locator.locate("/no/such/gcc", "", env(path(b)), root));
    assertTrue(e.getMessage().contains("/no/such/gcc"), e.getMessage());
  }

  @Test
  void locate_whenNoRealCompilerInPath_failsNamingCompilerAndPath() {
    String p = path(masq, selfbin, a);
    NotFoundException e =
        assertThrows(NotFoundException.class, () -> locator.locate("clang", "", env(p), root));
    assertTrue(e.getMessage().contains("\"clang\""), e.getMessage());
    assertTrue(e.getMessage().contains("PATH=" + p), e.getMessage());
  }

  @Test
  void locate_whenOnlyDistcacheInPath_fails() {
    assertThrows(
        NotFoundException.class, () -> locator.locate("gcc", "", env(path(masq, selfbin)), root));
  }

  @Test
  void locate_atDepthTwo_failsWithRecursionDetected() {
    Map<String, String> env = Map.of("PATH", path(b), CompilerLocator.DEPTH_VARIABLE, "2");
    NotFoundException e =
        assertThrows(NotFoundException.class, () -> locator.locate("gcc", "", env, root));
    assertTrue(e.getMessage().contains("recursion"), e.getMessage());
  }

  @Test
  void locate_atDepthOne_stillFindsTheCompiler() throws Exception {
    Map<String, String> env = Map.of("PATH", path(b), CompilerLocator.DEPTH_VARIABLE, "1");
    assertEquals(b.resolve("gcc"), locator.locate("gcc", "", env, root).compiler());
  }

  @Test
  void locate_withUnparsableDepth_treatsItAsZero() throws Exception {
    Map<String, String> env = Map.of("PATH", path(b), CompilerLocator.DEPTH_VARIABLE, "lots");
    assertEquals(b.resolve("gcc"), locator.locate("gcc", "", env, root).compiler());
  }

  @Test
  void locate_cleanedPath_dropsTheMasqueradeDirAndEntriesThatAreDistcache() throws Exception {
    Located l =
        locator.locate("gcc", masq.resolve("gcc").toString(), env(path(a, masq, selfbin, b)), root);
    assertEquals(path(a, b), l.path());
  }

  @Test
  void compilerEnvironment_setsCleanedPathAndCountsDepthUp() throws Exception {
    Map<String, String> env = Map.of("PATH", path(masq, b), "HOME", "/home/u");
    Located l = locator.locate("gcc", masq.resolve("gcc").toString(), env, root);
    Map<String, String> out = CompilerLocator.compilerEnvironment(env, l);
    assertEquals(path(b), out.get("PATH"));
    assertEquals("1", out.get(CompilerLocator.DEPTH_VARIABLE));
    assertEquals("/home/u", out.get("HOME"));
    Map<String, String> deeper = CompilerLocator.compilerEnvironment(out, l);
    assertEquals("2", deeper.get(CompilerLocator.DEPTH_VARIABLE));
  }

  @Test
  void locate_withThePathSetting_searchesItInsteadOfPath_andKeepsPathForTheCompiler()
      throws Exception {
    Located l = locator.locate("gcc", "", env(path(a)), root, path(selfbin, b));
    assertEquals(b.resolve("gcc"), l.compiler());
    assertEquals(path(a), l.path());
  }

  @Test
  void locate_withThePathSetting_doesNotFallBackToPath() {
    NotFoundException e =
        assertThrows(
            NotFoundException.class,
            () -> locator.locate("gcc", "", env(path(a)), root, root.resolve("none").toString()));
    assertTrue(e.getMessage().contains("path (setting)="), e.getMessage());
  }

  private static Path executable(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static String path(Path... dirs) {
    StringBuilder s = new StringBuilder();
    for (Path d : dirs) {
      s.append(s.isEmpty() ? "" : ":").append(d);
    }
    return s.toString();
  }

  private static Map<String, String> env(String path) {
    return Map.of("PATH", path);
  }
}
