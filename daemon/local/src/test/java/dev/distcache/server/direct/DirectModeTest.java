package dev.distcache.server.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.cache.RocksResultStore;
import dev.distcache.cache.stage.CacheReport;
import dev.distcache.cache.stage.LocalTier;
import dev.distcache.cache.stage.ResultCache;
import dev.distcache.cache.stage.Tier;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.core.args.Classification;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.compiler.CompilerLocator;
import dev.distcache.core.compiler.CompilerType;
import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigKey;
import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.KeySettings;
import dev.distcache.hashing.ResultKey;
import dev.distcache.server.request.CompileContext;
import dev.distcache.server.request.Stats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct and depend mode against a real store and real files. No compiler runs: the preprocessed
 * text and the dependency file are what gcc would write. The request's start is a parameter, so
 * "older than the request" is chosen, not waited for.
 */
class DirectModeTest {
  private static final ResultKey KEY = ResultKey.fromHex("ab".repeat(32));

  /** What gcc -E writes for a.c including h.h, shortened. */
  private static final byte[] TEXT =
      ("# 0 \"a.c\"\n# 0 \"<built-in>\"\n# 1 \"a.c\"\n# 1 \"h.h\" 1\nint h;\n"
              + "# 2 \"a.c\" 2\nint a;\n")
          .getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  Path cwd;
  Path log;
  RocksResultStore store;
  DirectMode direct;

  @BeforeEach
  void setUp() throws IOException {
    cwd = Files.createDirectory(dir.resolve("src"));
    log = dir.resolve("log");
    store = RocksResultStore.open(dir.resolve("store"), InstantSource.system());
    direct = new DirectMode(store);
    Files.writeString(cwd.resolve("a.c"), "#include \"h.h\"\nint a;\n");
    Files.writeString(cwd.resolve("h.h"), "int h;\n");
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  /** Epoch nanoseconds {@code d} from now: a request that starts later trusts files written now. */
  private static long nanosFromNow(Duration d) {
    Instant i = Instant.now().plus(d);
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  private static long later() {
    return nanosFromNow(Duration.ofSeconds(1));
  }

  private Config config(Map<ConfigKey, String> settings) {
    return Config.load(
        new CacheLayout(dir.resolve("cache")),
        Map.of(),
        new Config.FileSettings(settings, List.of()));
  }

  private Invocation inv(String... args) {
    Classification c = ArgsClassifier.classify("gcc", List.of(args), cwd, Map.of());
    return ((Classification.Cacheable) c).invocation();
  }

  private Optional<DirectMode.Plan> plan(Invocation inv, Config config, long startNanos) {
    Stats stats = new Stats(store, false);
    return direct.plan(
        new CompileContext(
            inv,
            new CompilerLocator.Located(Path.of("/usr/bin/gcc"), "/usr/bin"),
            "gcc 12",
            CompilerType.GCC,
            cwd,
            Map.of(),
            Map.of(),
            List.of(),
            "cpu",
            KeySettings.NONE,
            config,
            022,
            startNanos,
            stats,
            log.toString(),
            new ResultCache(
                List.of(new LocalTier(store)),
                new NoReport(),
                ResultCache.Policy.storing(Tier.Limits.NONE))));
  }

  /** Direct mode asks the stage only for the shared tier's manifests; there is none here. */
  private static final class NoReport implements CacheReport {
    @Override
    public void count(Counter counter) {}

    @Override
    public void readFailed(Tier tier, ResultKey key, RuntimeException e) {}

    @Override
    public void stored(Tier tier, ResultKey key) {}

    @Override
    public void storeFailed(Tier tier, ResultKey key, RuntimeException e) {}
  }

  private DirectMode.Plan plan(long startNanos) {
    return plan(inv("-c", "a.c"), config(Map.of()), startNanos).orElseThrow();
  }

  private Optional<DirectMode.Found> lookup(DirectMode.Plan plan) {
    return direct.lookup(plan, new Stats(store, false), log.toString());
  }

  private void recordPreprocessed(DirectMode.Plan plan, Config config) {
    direct.recordPreprocessed(
        plan, TEXT, KEY, "exact-a", config, new Stats(store, false), log.toString());
  }

  private String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Test
  void lookup_afterRecordPreprocessed_findsTheResult_andCountsTheManifestReads() {
    DirectMode.Plan first = plan(later());
    Stats stats = new Stats(store, true);
    assertEquals(Optional.empty(), direct.lookup(first, stats, log.toString()));
    recordPreprocessed(first, config(Map.of()));

    DirectMode.Plan second = plan(later());
    assertEquals(first.keys().manifest(), second.keys().manifest());
    assertEquals(
        Optional.of(new DirectMode.Found(KEY, "exact-a")),
        direct.lookup(second, stats, log.toString()));
    stats.flush();
    assertEquals(1L, store.counters().get(Counter.LOCAL_STORAGE_READ_MISS));
    assertEquals(1L, store.counters().get(Counter.LOCAL_STORAGE_READ_HIT));
  }

  /** A checkout at dir/NAME/proj with a.c and h.h; the compile's directory becomes it. */
  private Path checkout(String name) throws IOException {
    Path p = Files.createDirectories(dir.resolve(name).resolve("proj"));
    Files.writeString(p.resolve("a.c"), "#include \"h.h\"\nint a;\n");
    Files.writeString(p.resolve("h.h"), "int h;\n");
    cwd = p;
    return p;
  }

  /** What gcc -g -E writes for a.c in {@code checkout}: the working directory's marker too. */
  private static byte[] debugText(Path checkout) {
    return ("# 0 \"a.c\"\n# 0 \""
            + checkout
            + "//\"\n# 0 \"<built-in>\"\n# 1 \"a.c\"\n"
            + "# 1 \"h.h\" 1\nint h;\n# 2 \"a.c\" 2\nint a;\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void lookup_inAnotherCheckout_withDebugInfoAndPrefixMapsCoveringIt_findsTheEntry()
      throws IOException {
    Config config = config(Map.of(ConfigKey.BASE_DIR, dir.toString()));
    Path a = checkout("ci-1");
    DirectMode.Plan first =
        plan(inv("-c", "-g", "-fdebug-prefix-map=" + a + "=/src", "a.c"), config, later())
            .orElseThrow();
    direct.recordPreprocessed(
        first, debugText(a), KEY, "exact-a", config, new Stats(store, false), log.toString());
    Path b = checkout("ci-2");
    DirectMode.Plan second =
        plan(inv("-c", "-g", "-fdebug-prefix-map=" + b + "=/src", "a.c"), config, later())
            .orElseThrow();
    assertEquals(first.keys().manifest(), second.keys().manifest());
    assertEquals(KEY, lookup(second).orElseThrow().result());
  }

  @Test
  void lookup_inAnotherCheckout_withDebugInfoNamingAnUnmappedPathOfIt_findsNothing()
      throws IOException {
    Config config = config(Map.of(ConfigKey.BASE_DIR, dir.toString()));
    List<DirectMode.Plan> plans = new ArrayList<>();
    for (String name : List.of("ci-1", "ci-2")) {
      Path p = checkout(name);
      Path inc = Files.createDirectories(p.resolveSibling("inc"));
      Files.move(p.resolve("h.h"), inc.resolve("h.h"));
      plans.add(
          plan(
                  inv("-c", "-g", "-fdebug-prefix-map=" + p + "=/src", "-I" + inc, "a.c"),
                  config,
                  later())
              .orElseThrow());
      if (plans.size() == 1) {
        // The map covers the directory but not ../inc, whose path the object then names.
        byte[] text =
            ("# 0 \"a.c\"\n# 0 \""
                    + p
                    + "//\"\n# 1 \"a.c\"\n# 1 \""
                    + inc
                    + "/h.h\" 1\n"
                    + "int h;\n# 2 \"a.c\" 2\nint a;\n")
                .getBytes(StandardCharsets.UTF_8);
        direct.recordPreprocessed(
            plans.get(0), text, KEY, "exact-a", config, new Stats(store, false), log.toString());
      }
    }
    assertEquals(plans.get(0).keys().manifest(), plans.get(1).keys().manifest());
    assertEquals(Optional.empty(), lookup(plans.get(1)));
  }

  @Test
  void lookup_afterAnIncludeChanged_misses_andHitsAgainWhenItIsBack() throws IOException {
    recordPreprocessed(plan(later()), config(Map.of()));
    Path h = cwd.resolve("h.h");
    FileTime written = Files.getLastModifiedTime(h);

    Files.writeString(h, "int H;\n"); // same size: only the content tells
    Files.setLastModifiedTime(h, FileTime.from(written.toInstant().minusSeconds(5)));
    assertEquals(Optional.empty(), lookup(plan(later())));

    Files.writeString(h, "long h;\n");
    assertEquals(Optional.empty(), lookup(plan(later())));

    Files.writeString(h, "int h;\n");
    assertEquals(Optional.of(new DirectMode.Found(KEY, "exact-a")), lookup(plan(later())));
  }

  @Test
  void lookup_afterTheSourceChanged_looksInAnotherManifest() throws IOException {
    DirectMode.Plan before = plan(later());
    recordPreprocessed(before, config(Map.of()));
    Files.writeString(cwd.resolve("a.c"), "#include \"h.h\"\nint b;\n");
    DirectMode.Plan after = plan(later());
    assertNotEquals(before.keys().manifest(), after.keys().manifest());
    assertEquals(Optional.empty(), lookup(after));
  }

  @Test
  void recordPreprocessed_anIncludeModifiedAfterTheRequestStarted_isNotRecorded()
      throws IOException {
    long start = later();
    Files.setLastModifiedTime(
        cwd.resolve("h.h"), FileTime.from(Instant.now().plus(Duration.ofHours(1))));
    DirectMode.Plan plan = plan(start);
    recordPreprocessed(plan, config(Map.of()));
    assertEquals(Optional.empty(), store.getManifest(plan.keys().manifest()));
    assertTrue(
        log().contains("no manifest entry for a.c: h.h was modified after the compile started"),
        log());
    assertEquals(Optional.empty(), lookup(plan(later())));

    // include_file_mtime sloppiness trusts it.
    Config sloppy = config(Map.of(ConfigKey.SLOPPINESS, "include_file_mtime"));
    DirectMode.Plan trusting = plan(inv("-c", "a.c"), sloppy, start).orElseThrow();
    recordPreprocessed(trusting, sloppy);
    assertEquals(Optional.of(new DirectMode.Found(KEY, "exact-a")), lookup(trusting));
  }

  @Test
  void recordPreprocessed_recordsOnlyFilesChangedMoreThanTheSlackBeforeTheRequestStarted()
      throws IOException {
    long changed = 0;
    for (String f : List.of("a.c", "h.h")) {
      FileStat s = FileStat.of(cwd.resolve(f));
      changed = Math.max(changed, Math.max(s.mtimeNanos(), s.ctimeNanos()));
    }
    DirectMode.Plan tooSoon = plan(changed + FileHashes.TIMESTAMP_SLACK_NANOS);
    recordPreprocessed(tooSoon, config(Map.of()));
    assertEquals(Optional.empty(), store.getManifest(tooSoon.keys().manifest()));
    assertTrue(log().contains("after the compile started"), log());

    DirectMode.Plan justLate = plan(changed + FileHashes.TIMESTAMP_SLACK_NANOS + 1);
    recordPreprocessed(justLate, config(Map.of()));
    assertEquals(Optional.of(new DirectMode.Found(KEY, "exact-a")), lookup(justLate));
  }

  @Test
  void plan_isEmptyWhenDirectModeDoesNotApply() throws IOException {
    Config on = config(Map.of());
    assertTrue(plan(inv("-c", "a.c"), on, later()).isPresent());
    assertEquals(
        Optional.empty(),
        plan(inv("-c", "a.c"), config(Map.of(ConfigKey.DIRECT_MODE, "false")), later()));
    assertEquals(Optional.empty(), plan(inv("-c", "a.c", "-P"), on, later()));
    assertTrue(log().contains("direct mode off for a.c: -P"), log());
    assertEquals(Optional.empty(), plan(inv("-c", "missing.c"), on, later()));
    Files.writeString(cwd.resolve("p.i"), "int p;\n");
    assertEquals(Optional.empty(), plan(inv("-c", "p.i"), on, later()));
    Files.writeString(cwd.resolve("t.c"), "const char *t = __TIME__;\n");
    assertEquals(Optional.empty(), plan(inv("-c", "t.c"), on, later()));
    assertTrue(log().contains("direct mode off for t.c: it names __TIME__"), log());
    assertTrue(
        plan(inv("-c", "t.c"), config(Map.of(ConfigKey.SLOPPINESS, "time_macros")), later())
            .isPresent());
  }

  @Test
  void plan_dependsOnlyInDependModeWithADependencyFile() {
    Config depend = config(Map.of(ConfigKey.DEPEND_MODE, "true"));
    assertTrue(plan(inv("-c", "a.c", "-MD"), depend, later()).orElseThrow().depend());
    assertFalse(plan(inv("-c", "a.c"), depend, later()).orElseThrow().depend());
    assertFalse(plan(inv("-c", "a.c", "-MD"), config(Map.of()), later()).orElseThrow().depend());
  }

  @Test
  void dependMode_recordsTheFilesOfTheDependencyFile_andItsKeyFollowsTheirContent()
      throws IOException {
    Config depend = config(Map.of(ConfigKey.DEPEND_MODE, "true"));
    Invocation inv = inv("-c", "a.c", "-MD");
    byte[] dep = "a.o: a.c h.h\n".getBytes(StandardCharsets.UTF_8);
    DirectMode.Plan plan = plan(inv, depend, later()).orElseThrow();
    DirectMode.Depended d = direct.dependResult(plan, dep, log.toString()).orElseThrow();
    assertEquals(List.of("a.c", "h.h"), d.files().stream().map(f -> f.path()).toList());
    direct.recordDepended(plan, d, depend, new Stats(store, false), log.toString());
    assertEquals(
        Optional.of(new DirectMode.Found(d.key(), d.key().hex())),
        lookup(plan(inv, depend, later()).orElseThrow()));

    Files.writeString(cwd.resolve("h.h"), "long h;\n");
    DirectMode.Plan changed = plan(inv, depend, later()).orElseThrow();
    assertEquals(Optional.empty(), lookup(changed));
    assertNotEquals(d.key(), direct.dependResult(changed, dep, log.toString()).orElseThrow().key());
  }

  @Test
  void dependResult_isEmptyWhenAListedFileIsTooNewOrTheFileHasNoRule() throws IOException {
    Config depend = config(Map.of(ConfigKey.DEPEND_MODE, "true"));
    Invocation inv = inv("-c", "a.c", "-MD");
    byte[] dep = "a.o: a.c h.h\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(
        Optional.empty(),
        direct.dependResult(
            plan(inv, depend, later()).orElseThrow(),
            "no rule here".getBytes(StandardCharsets.UTF_8),
            log.toString()));
    Files.setLastModifiedTime(
        cwd.resolve("h.h"), FileTime.from(Instant.now().plus(Duration.ofHours(1))));
    assertEquals(
        Optional.empty(),
        direct.dependResult(plan(inv, depend, later()).orElseThrow(), dep, log.toString()));
    assertTrue(
        log()
            .contains("not storing a.c in depend mode: h.h was modified after the compile started"),
        log());
  }
}
