package dev.distcache.hashing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.args.PrefixMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathPolicyTest {
  private static final Path CWD = Path.of("/home/u/proj/build");

  @Test
  void relativize_underBaseDir_isRelativeToCwd() {
    PathPolicy p = policy("/home/u");
    assertEquals("../include", p.relativize("/home/u/proj/include"));
    assertEquals("../../other/x.h", p.relativize("/home/u/other/x.h"));
    assertEquals("gen/a.h", p.relativize("/home/u/proj/build/gen/a.h"));
  }

  @Test
  void relativize_pathEqualToBaseDir_isRelativeToo() {
    assertEquals("../..", policy("/home/u").relativize("/home/u"));
  }

  @Test
  void relativize_pathEqualToCwd_isDot() {
    assertEquals(".", policy("/home/u").relativize("/home/u/proj/build"));
  }

  @Test
  void relativize_baseDirWithTrailingSlash_behavesLikeWithout() {
    PathPolicy p = policy("/home/u/");
    assertEquals("../include", p.relativize("/home/u/proj/include"));
    assertEquals("../..", p.relativize("/home/u"));
    assertEquals("/home/user2/x", p.relativize("/home/user2/x"));
  }

  @Test
  void relativize_outsideBaseDir_isUnchanged() {
    PathPolicy p = policy("/home/u");
    assertEquals("/usr/include", p.relativize("/usr/include"));
    assertEquals(
        "/home/user2/x", p.relativize("/home/user2/x"), "a sibling sharing a prefix is outside");
    assertEquals("/home", p.relativize("/home"));
  }

  @Test
  void relativize_relativePath_isUnchanged() {
    assertEquals("include", policy("/home/u").relativize("include"));
    assertEquals("../x", policy("/home/u").relativize("../x"));
  }

  @Test
  void relativize_withoutBaseDir_isUnchangedAndPolicyInactive() {
    PathPolicy p = policy("");
    assertFalse(p.active());
    assertEquals("/home/u/proj/include", p.relativize("/home/u/proj/include"));
    assertTrue(policy("/home/u").active());
  }

  @Test
  void relativize_rootBaseDir_coversEveryAbsolutePath() {
    assertEquals("../../../../usr/include", policy("/").relativize("/usr/include"));
  }

  @Test
  void map_lastMatchingPrefixMapWins() {
    PathPolicy specificLast =
        new PathPolicy("", CWD, List.of(new PrefixMap("/a", "/x"), new PrefixMap("/a/b", "/y")));
    assertEquals("/y/c", specificLast.map("/a/b/c"));
    assertEquals("/x/q", specificLast.map("/a/q"));
    PathPolicy generalLast =
        new PathPolicy("", CWD, List.of(new PrefixMap("/a/b", "/y"), new PrefixMap("/a", "/x")));
    assertEquals("/x/b/c", generalLast.map("/a/b/c"));
  }

  @Test
  void map_isAPlainStringPrefixReplacement() {
    PathPolicy p = new PathPolicy("", CWD, List.of(new PrefixMap("/src", ".")));
    assertEquals("./x.c", p.map("/src/x.c"));
    assertEquals(".2/x.c", p.map("/src2/x.c"));
  }

  @Test
  void map_withoutMatch_isUnchanged() {
    PathPolicy p = new PathPolicy("", CWD, List.of(new PrefixMap("/a", "/x")));
    assertEquals("/b/c", p.map("/b/c"));
    assertEquals("rel", p.map("rel"));
    assertEquals("/b/c", policy("/home/u").map("/b/c"));
  }

  @Test
  void relativize_dotNames_areNormalized_onlyWhereTheKernelWalksThePathTheSameWay(@TempDir Path tmp)
      throws Exception {
    Path cwd = tmp.resolve("dir1");
    Files.createDirectories(cwd.resolve("include"));
    Files.createDirectories(cwd.resolve("sub"));
    Files.createDirectories(tmp.resolve("elsewhere/deep"));
    Files.createSymbolicLink(cwd.resolve("link"), tmp.resolve("elsewhere/deep"));
    PathPolicy p = new PathPolicy(cwd.toString(), cwd, List.of());
    assertEquals("include", p.relativize(cwd + "//./sub/../include"));
    assertEquals("include", p.relativize(cwd + "/./include"));
    String missing = cwd + "//./missing/../include";
    assertEquals(missing, p.relativize(missing), "the kernel cannot walk through missing/..");
    String viaLink = cwd + "/link/../include";
    assertEquals(viaLink, p.relativize(viaLink), "link/.. is elsewhere, not dir1");
  }

  @Test
  void relativize_aPathThroughALinkToTheWorkingDirectory_takesTheShorterRealPath(@TempDir Path tmp)
      throws Exception {
    Path real = tmp.resolve("run.real");
    Files.createDirectories(real.resolve("dir1/include"));
    Files.createSymbolicLink(tmp.resolve("run"), real);
    Path logical = tmp.resolve("run/dir1");
    PathPolicy p = new PathPolicy(logical.toString(), real.resolve("dir1"), List.of());
    assertEquals("include", p.relativize(logical + "/include"));
    assertEquals(
        "../../run/dir1/missing",
        p.relativize(logical + "/missing"),
        "a missing path has no real path: it stays as the text reads");
  }

  private static PathPolicy policy(String baseDir) {
    return new PathPolicy(baseDir, CWD, List.of());
  }

  @Test
  void relativize_fromAWorkingDirectoryReachedThroughASymlink_isRelativeToIt(@TempDir Path tmp)
      throws IOException {
    Path real = Files.createDirectories(tmp.resolve("real/one"));
    Files.createDirectories(real.resolve("include"));
    Files.createDirectories(tmp.resolve("shared"));
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Path link = Files.createSymbolicLink(ws.resolve("one"), real);
    PathPolicy p = new PathPolicy(tmp.toString(), link, List.of());
    assertEquals("include", p.relativize(link + "/include"));
    assertEquals("include/new.h", p.relativize(link + "/include/new.h"), "not there yet");
    assertEquals("include", p.relativize(real + "/include"));
    assertEquals(".", p.relativize(link.toString()));
    // Relative to the link, ../../shared would be resolved from real/one by the compiler.
    assertEquals("../../shared", p.relativize(tmp + "/shared"));
    assertEquals(
        "include",
        new PathPolicy(tmp.toString(), real, List.of()).relativize(link + "/include"),
        "no link in the working directory: the path's shorter real path, as ccache takes it");
  }
}
