package dev.distcache.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CacheLayoutTest {
  private final String userHome = System.getProperty("user.home");

  @AfterEach
  void restore() {
    System.setProperty("user.home", userHome);
  }

  @Test
  void fromEnvironment_distcacheDirFirst_thenHome_thenThePasswdHome() {
    System.setProperty("user.home", "/passwd/home");
    assertEquals(
        Path.of("/d"),
        CacheLayout.fromEnvironment(Map.of("DISTCACHE_DIR", "/d", "HOME", "/h")).cacheDir());
    assertEquals(
        Path.of("/h/.cache/distcache"),
        CacheLayout.fromEnvironment(Map.of("HOME", "/h")).cacheDir());
    assertEquals(
        Path.of("/passwd/home/.cache/distcache"),
        CacheLayout.fromEnvironment(Map.of()).cacheDir(),
        "HOME unset");
    assertEquals(
        Path.of("/passwd/home/.cache/distcache"),
        CacheLayout.fromEnvironment(Map.of("HOME", "")).cacheDir(),
        "HOME empty");
  }

  @Test
  void fromEnvironment_withNoHomeAnywhere_isAnErrorNotAPathUnderTheWorkingDirectory() {
    System.setProperty("user.home", "?"); // the JDK's value for a user without a passwd entry
    CacheLayout.NoCacheDirException e =
        assertThrows(
            CacheLayout.NoCacheDirException.class, () -> CacheLayout.fromEnvironment(Map.of()));
    assertEquals(CacheLayout.NO_HOME, e.getMessage());
    assertThrows(
        CacheLayout.NoCacheDirException.class,
        () -> CacheLayout.fromEnvironment(Map.of("HOME", "")));
  }
}
