package dev.distcache.remote.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.EntryCodec;
import dev.distcache.cache.Manifest;
import dev.distcache.cache.ManifestCodec;
import dev.distcache.cache.OutputKind;
import dev.distcache.cache.ResultStore;
import dev.distcache.cache.RocksResultStore;
import dev.distcache.hashing.ContentHash;
import dev.distcache.hashing.ManifestKey;
import dev.distcache.hashing.ResultKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The clients' values in a real daemon store: round trips, refusals and separate key spaces. */
class SharedEntriesTest {
  private static final ResultKey RESULT = ResultKey.of(filled(1));
  private static final ResultKey OTHER = ResultKey.of(filled(2));
  private static final ManifestKey MANIFEST = ManifestKey.of(filled(3));

  @TempDir Path dir;
  private ResultStore store;
  private SharedEntries entries;

  @BeforeEach
  void open() {
    store = RocksResultStore.open(dir.resolve("store"), InstantSource.system());
    entries = new SharedEntries(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static byte[] filled(int b) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) b);
    return k;
  }

  private static CachedResult result() {
    return new CachedResult(
        Map.of(OutputKind.OBJECT, "\177ELF object".getBytes(StandardCharsets.UTF_8)),
        "out".getBytes(StandardCharsets.UTF_8),
        "warning: x".getBytes(StandardCharsets.UTF_8),
        Map.of());
  }

  private static Manifest manifest() {
    return Manifest.empty()
        .with(
            new Manifest.Entry(
                List.of(new Manifest.IncludedFile("a.h", 3, ContentHash.ofContent(new byte[3]))),
                RESULT,
                MANIFEST,
                "exact",
                false));
  }

  @Test
  void aResult_comesBackAsTheSameResult_underItsKey() throws Exception {
    assertTrue(entries.get(RESULT.hex()).isEmpty());
    assertTrue(entries.put(RESULT.hex(), EntryCodec.encode(RESULT, result())));
    byte[] back = entries.get(RESULT.hex()).orElseThrow();
    assertEquals(result(), EntryCodec.decode(RESULT, back));
    assertTrue(entries.get(OTHER.hex()).isEmpty(), "another key has nothing");
  }

  @Test
  void exists_answersForResultsAndManifests_underTheClientsKey() throws Exception {
    assertFalse(entries.exists(RESULT.hex()));
    entries.put(RESULT.hex(), EntryCodec.encode(RESULT, result()));
    entries.put(MANIFEST.hex(), ManifestCodec.encode(MANIFEST, manifest()));
    assertTrue(entries.exists(RESULT.hex()));
    assertTrue(entries.exists(MANIFEST.hex()));
    assertFalse(entries.exists(OTHER.hex()));
    assertFalse(
        entries.exists(SharedEntries.resultKey(RESULT).hex()), "the daemon's own keys are not");
  }

  @Test
  void aManifest_comesBackAsTheSameManifest_andAPutReplacesIt() throws Exception {
    assertTrue(entries.put(MANIFEST.hex(), ManifestCodec.encode(MANIFEST, Manifest.empty())));
    assertTrue(entries.put(MANIFEST.hex(), ManifestCodec.encode(MANIFEST, manifest())));
    assertEquals(
        manifest(), ManifestCodec.decode(MANIFEST, entries.get(MANIFEST.hex()).orElseThrow()));
  }

  @Test
  void aValueOfAnotherKey_garbage_orATruncatedValue_isRefused_andNothingIsStored() {
    byte[] good = EntryCodec.encode(RESULT, result());
    for (byte[] bad :
        List.of(
            EntryCodec.encode(OTHER, result()),
            "not a value".getBytes(StandardCharsets.UTF_8),
            Arrays.copyOf(good, good.length - 1),
            new byte[0])) {
      SharedEntries.Invalid e =
          assertThrows(SharedEntries.Invalid.class, () -> entries.put(RESULT.hex(), bad));
      assertTrue(e.getMessage().contains(RESULT.hex()), e.getMessage());
    }
    assertTrue(entries.get(RESULT.hex()).isEmpty());
    assertEquals(0, store.fileCount(), "nothing stored");
  }

  @Test
  void aClientsKey_isNotTheKeyInTheStore_soNoClientWritesUnderADaemonJobKey() throws Exception {
    entries.put(RESULT.hex(), EntryCodec.encode(RESULT, result()));
    entries.put(MANIFEST.hex(), ManifestCodec.encode(MANIFEST, manifest()));
    assertTrue(store.get(RESULT).isEmpty(), "the client's key itself holds nothing");
    assertTrue(store.getManifest(MANIFEST).isEmpty());
    assertEquals(result(), store.get(SharedEntries.resultKey(RESULT)).orElseThrow());
    assertEquals(2, store.fileCount());
  }
}
