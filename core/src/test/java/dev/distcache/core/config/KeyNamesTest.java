package dev.distcache.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeyNamesTest {
  @Test
  void distance_countsASwapOfNeighboursAsOneEdit() {
    assertEquals(0, KeyNames.distance("max_size", "max_size"));
    assertEquals(1, KeyNames.distance("max_sise", "max_size"));
    assertEquals(1, KeyNames.distance("max_siez", "max_size"));
    assertEquals(1, KeyNames.distance("compresion", "compression"));
    assertEquals(3, KeyNames.distance("", "abc"));
  }

  @Test
  void closest_findsKnownAndCcacheKeys_caseInsensitively() {
    List<String> keys = KeyNames.allKeys();
    assertEquals(Optional.of("direct_mode"), KeyNames.closest("direct_mod", keys));
    assertEquals(Optional.of("max_size"), KeyNames.closest("MAX_SIZE", keys));
    assertEquals(Optional.of("compression_level"), KeyNames.closest("compression_levle", keys));
    assertEquals(Optional.empty(), KeyNames.closest("colour", keys));
    assertEquals(Optional.empty(), KeyNames.closest("x", keys));
  }

  @Test
  void ccacheOnlyKeys_areNotDistcacheKeys() {
    assertTrue(KeyNames.isCcacheOnly("file_clone"));
    assertTrue(KeyNames.isCcacheOnly("pch_external_checksum"));
    assertFalse(KeyNames.isCcacheOnly("max_size"));
    for (ConfigKey k : ConfigKey.values()) {
      assertFalse(KeyNames.isCcacheOnly(k.key()), k.key());
    }
  }

  @Test
  void ccacheOnlyVariables_inEverySpelling() {
    assertEquals(
        Optional.of("file_clone"), KeyNames.ccacheOnlyKeyOfVariable("DISTCACHE_FILECLONE"));
    assertEquals(
        Optional.of("file_clone"), KeyNames.ccacheOnlyKeyOfVariable("DISTCACHE_NOFILECLONE"));
    assertEquals(
        Optional.of("file_clone"), KeyNames.ccacheOnlyKeyOfVariable("DISTCACHE_FILE_CLONE"));
    assertEquals(Optional.of("run_second_cpp"), KeyNames.ccacheOnlyKeyOfVariable("DISTCACHE_CPP2"));
    assertEquals(
        Optional.empty(),
        KeyNames.ccacheOnlyKeyOfVariable("DISTCACHE_DIR"),
        "the cache directory is ours");
    assertEquals(
        Optional.empty(),
        KeyNames.ccacheOnlyKeyOfVariable("DISTCACHE_NOUMASK"),
        "umask is no boolean");
  }
}
