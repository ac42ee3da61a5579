package dev.distcache.server.direct;

import dev.distcache.cache.Manifest;
import dev.distcache.cache.ResultStore;
import dev.distcache.cache.StoreException;
import dev.distcache.cache.stage.ResultCache;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.args.KeyArg;
import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigKey;
import dev.distcache.core.log.ServerLog;
import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.DirectKeys;
import dev.distcache.hashing.LineMarkers;
import dev.distcache.hashing.PathPolicy;
import dev.distcache.hashing.ResultKey;
import dev.distcache.hashing.SourceScan;
import dev.distcache.server.outputs.DebugFiles;
import dev.distcache.server.outputs.DepFiles;
import dev.distcache.server.request.CompileContext;
import dev.distcache.server.request.Stats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ccache's direct mode, and its depend mode. A compile's inputs before preprocessing (arguments,
 * compiler, environment, the source's path and content) name a manifest; each entry of it lists the
 * files an earlier compile read, with their sizes and content hashes, and the result they led to.
 * When every file of an entry still matches, that result is the answer and the preprocessor does
 * not run. After a preprocessed-mode hit or a miss, the files the preprocessor's line markers name
 * become a new entry; in depend mode a miss runs no preprocessor and the compiler's dependency file
 * names them instead.
 *
 * <p>Thread-safe: one instance serves every request and holds the memory of file hashes.
 */
public final class DirectMode {
  private final ResultStore store;
  private final FileHashes hashes = new FileHashes();

  public DirectMode(ResultStore store) {
    this.store = store;
  }

  /**
   * One compile's direct-mode lookup.
   *
   * @param source the source's stat and hash, taken before the compile started
   * @param startNanos when the request arrived, in epoch nanoseconds: files changed after it are
   *     not trusted
   * @param depend a miss takes the include files from the dependency file (depend mode)
   * @param results the request's cache stage: the shared tier's manifests are read and written
   *     through it
   * @param remoteOnly {@code remote_only}: the local store's manifests are neither read nor written
   */
  public record Plan(
      DirectKeys.Keys keys,
      FileHashes.Hashed source,
      Invocation inv,
      Path cwd,
      long startNanos,
      Set<String> sloppiness,
      boolean depend,
      ResultCache results,
      boolean remoteOnly,
      DirectKeys.Inputs inputs) {
    /**
     * The manifest key's fields as text ({@code distcache explain} compares two compiles by them):
     * kept when {@code debug} asked for it, else computed again, which only a miss pays.
     */
    public String transcript() {
      return keys.transcript() != null
          ? keys.transcript()
          : DirectKeys.compute(inputs, true).transcript();
    }
  }

  /** A matching entry's result, and the exact hash to serve it with (see HitWriter). */
  public record Found(ResultKey result, String exact) {}

  /** A depend-mode result key and the entry files it was computed from. */
  public record Depended(ResultKey key, List<Manifest.IncludedFile> files) {}

  /**
   * The plan for a compile, or empty (with the reason logged) when direct mode does not apply: it
   * is off, the source is already preprocessed, an argument defeats it, the source cannot be read,
   * or the source names a time macro and {@code time_macros} sloppiness is not set.
   */
  public Optional<Plan> plan(CompileContext c) {
    Invocation inv = c.inv();
    Config config = c.config();
    Path cwd = c.cwd();
    long startNanos = c.startNanos();
    String log = c.log();
    if (!config.bool(ConfigKey.DIRECT_MODE) || inv.language().preprocessed()) {
      return Optional.empty();
    }
    if (inv.directModeOff().isPresent()) {
      ServerLog.log(log, "direct mode off for " + inv.source() + ": " + inv.directModeOff().get());
      return Optional.empty();
    }
    Set<String> sloppiness = config.sloppiness();
    FileHashes.Hashed source;
    try {
      source = hashes.hash(cwd.resolve(inv.source()), startNanos);
    } catch (IOException | InvalidPathException e) {
      return Optional.empty(); // the preprocessor will say what is wrong with it
    }
    if ((source.flags() & (SourceScan.CODE_DIRECTIVES | SourceScan.EMBED)) != 0) {
      // As ccache: the file they read is in no line marker (preprocessor mode then decides).
      ServerLog.log(
          log, "direct mode off for " + inv.source() + ": it has .incbin, .include or #embed");
      return Optional.empty();
    }
    if ((source.flags() & SourceScan.TIME_MACROS) != 0 && !sloppiness.contains("time_macros")) {
      ServerLog.log(
          log,
          "direct mode off for " + inv.source() + ": it names __TIME__, __DATE__ or __TIMESTAMP__");
      return Optional.empty();
    }
    boolean debug = config.bool(ConfigKey.DEBUG);
    DirectKeys.Inputs inputs =
        new DirectKeys.Inputs(
            c.identity(),
            inv,
            c.apparentCwd(),
            c.clientEnv(),
            source.hash(),
            config.get(ConfigKey.BASE_DIR),
            config.bool(ConfigKey.HASH_DIR),
            sloppiness,
            c.extra(),
            c.cpu(),
            c.keySettings());
    DirectKeys.Keys keys = DirectKeys.compute(inputs, debug);
    if (debug) {
      DebugFiles.write(
          config.get(ConfigKey.DEBUG_DIR),
          cwd,
          inv.output(),
          "distcache-input-direct",
          "manifest " + keys.manifest() + "\norigin " + keys.origin() + "\n" + keys.transcript());
    }
    boolean depend = config.bool(ConfigKey.DEPEND_MODE) && inv.depFile().isPresent();
    return Optional.of(
        new Plan(
            keys,
            source,
            inv,
            cwd,
            startNanos,
            sloppiness,
            depend,
            c.results(),
            config.bool(ConfigKey.REMOTE_ONLY),
            inputs));
  }

  /**
   * What direct mode would find for the plan, read from the local store alone and changing nothing
   * (for {@code distcache explain}): the matching entry, or the entry nearest to matching with the
   * files that differ. Empty when the store has no manifest for the plan's key.
   */
  public Optional<EntryMatcher.Verdict> explain(Plan plan) throws StoreException {
    Optional<Manifest> manifest = store.peekManifest(plan.keys().manifest());
    return manifest.map(m ->
        new EntryMatcher(hashes, plan.cwd(), plan.startNanos()).verdict(m, plan.keys().origin()));
  }

  /** Starts from the file hashes a previous server saved in {@code file}; returns how many. */
  public int loadHashes(Path file) {
    return hashes.load(file);
  }

  /** Saves the file hashes this server trusts to {@code file}, for the next one. */
  public void saveHashes(Path file) {
    hashes.save(file);
  }

  /**
   * The result of the newest entry whose files all match; counts the manifest read. The local store
   * is asked first; when it has no manifest, the shared tier is, and a manifest found there is kept
   * locally (unless read-only).
   */
  public Optional<Found> lookup(Plan plan, Stats stats, String log) {
    Optional<Manifest> manifest =
        plan.remoteOnly() ? Optional.empty() : localManifest(plan, stats, log);
    if (manifest.isEmpty() && plan.results().sharesManifests()) {
      manifest = plan.results().sharedManifest(plan.keys().manifest());
      if (manifest.isPresent() && !plan.remoteOnly()) {
        keepLocally(plan, manifest.get(), stats, log);
      }
    }
    if (manifest.isEmpty()) {
      return Optional.empty();
    }
    return new EntryMatcher(hashes, plan.cwd(), plan.startNanos())
        .find(manifest.get(), plan.keys().origin())
        .map(e ->
            new Found(
                e.result(),
                e.origin().equals(plan.keys().origin())
                    ? e.exact()
                    : "another origin than " + plan.keys().origin().hex()));
  }

  private Optional<Manifest> localManifest(Plan plan, Stats stats, String log) {
    Optional<Manifest> manifest;
    try {
      manifest = store.getManifest(plan.keys().manifest());
    } catch (StoreException e) {
      stats.count(Counter.INTERNAL_ERROR);
      ServerLog.log(log, "manifest read failed, treating as a miss: " + e.getMessage());
      return Optional.empty();
    }
    stats.count(
        manifest.isPresent() ? Counter.LOCAL_STORAGE_READ_HIT : Counter.LOCAL_STORAGE_READ_MISS);
    return manifest;
  }

  /** Stores a manifest the shared tier gave, when the local store still has none for its key. */
  private void keepLocally(Plan plan, Manifest found, Stats stats, String log) {
    if (plan.results().readOnly()) {
      return;
    }
    try {
      store.updateManifest(plan.keys().manifest(), m -> m.entries().isEmpty() ? found : m);
    } catch (StoreException e) {
      stats.count(Counter.INTERNAL_ERROR);
      ServerLog.log(log, "cannot keep the shared manifest locally: " + e.getMessage());
    }
  }

  /**
   * Adds an entry for a compile answered in preprocessor mode: the line markers of {@code text}
   * name its files.
   */
  public void recordPreprocessed(
      Plan plan,
      byte[] text,
      ResultKey result,
      String exact,
      Config config,
      Stats stats,
      String log) {
    EntryRecorder.Recorded r;
    try {
      r = record(plan, LineMarkers.includedFiles(text));
    } catch (EntryRecorder.NotRecordableException e) {
      ServerLog.log(log, "no manifest entry for " + plan.inv().source() + ": " + e.getMessage());
      return;
    }
    // Another checkout may use the entry only where its own preprocessed text would key the same
    // result: nothing expands a file name, and the result key made the line markers relative (or,
    // with debug info, the prefix maps took them out of base_dir, as ccache's users set them up).
    Invocation inv = plan.inv();
    boolean relocatable =
        plan.keys().mayRelativize()
            && (!inv.debugInfo() || mappedOutOfBaseDir(plan.keys().policy(), text))
            && !r.fileMacros()
            && !r.skippedSystemHeaders()
            && !argsNameFileMacros(inv)
            && !LineMarkers.usesBuiltinFile(text);
    List<Manifest.IncludedFile> files = r.files();
    if (relocatable) {
      files = new ArrayList<>(files.size());
      for (Manifest.IncludedFile f : r.files()) {
        files.add(
            new Manifest.IncludedFile(
                plan.keys().policy().relativize(f.path()), f.size(), f.hash()));
      }
    }
    write(
        plan,
        new Manifest.Entry(files, result, plan.keys().origin(), exact, relocatable),
        config,
        stats,
        log);
  }

  /** The manifest entry's files for the files the plan's compile read. */
  private EntryRecorder.Recorded record(Plan plan, List<LineMarkers.MarkedFile> read)
      throws EntryRecorder.NotRecordableException {
    return EntryRecorder.record(
        read,
        plan.inv().source(),
        plan.source(),
        plan.cwd(),
        plan.startNanos(),
        plan.sloppiness(),
        hashes);
  }

  /**
   * Depend mode's result key for a finished compile, from the files its dependency file lists;
   * empty (logged) when they cannot be trusted, and then nothing may be stored.
   */
  public Optional<Depended> dependResult(Plan plan, byte[] depFile, String log) {
    List<String> listed = DepFiles.prerequisites(depFile);
    if (listed == null) {
      ServerLog.log(
          log,
          "no manifest entry for " + plan.inv().source() + ": the dependency file has no rule");
      return Optional.empty();
    }
    List<LineMarkers.MarkedFile> read = new ArrayList<>(listed.size());
    listed.forEach(p -> read.add(new LineMarkers.MarkedFile(p, false)));
    EntryRecorder.Recorded r;
    try {
      r = record(plan, read);
    } catch (EntryRecorder.NotRecordableException e) {
      ServerLog.log(
          log, "not storing " + plan.inv().source() + " in depend mode: " + e.getMessage());
      return Optional.empty();
    }
    List<DirectKeys.DependFile> keyed = new ArrayList<>(r.files().size());
    r.files().forEach(f -> keyed.add(new DirectKeys.DependFile(f.path(), f.hash())));
    return Optional.of(
        new Depended(DirectKeys.dependResult(plan.keys().origin(), keyed), r.files()));
  }

  /**
   * Adds the entry of a depend-mode compile (bound to its origin: its key holds paths as given).
   */
  public void recordDepended(Plan plan, Depended d, Config config, Stats stats, String log) {
    write(
        plan,
        new Manifest.Entry(d.files(), d.key(), plan.keys().origin(), d.key().hex(), false),
        config,
        stats,
        log);
  }

  private void write(Plan plan, Manifest.Entry entry, Config config, Stats stats, String log) {
    AtomicReference<Manifest> written = new AtomicReference<>();
    if (plan.remoteOnly()) {
      written.set(
          plan.results()
              .sharedManifest(plan.keys().manifest())
              .orElse(Manifest.empty())
              .with(entry));
    } else {
      try {
        store.setLimits(config.maxSize(), config.maxFiles());
        if (!store.updateManifest(
            plan.keys().manifest(),
            m -> {
              Manifest n = m.with(entry);
              written.set(n);
              return n;
            })) {
          written.set(null);
        }
      } catch (StoreException e) {
        stats.count(Counter.INTERNAL_ERROR);
        ServerLog.log(
            log, "cannot update the manifest of " + plan.inv().source() + ": " + e.getMessage());
        return;
      }
    }
    if (written.get() == null) {
      return;
    }
    ServerLog.log(
        log,
        "manifest "
            + plan.keys().manifest()
            + " += "
            + entry.result()
            + " ("
            + entry.files().size()
            + " files) "
            + plan.inv().source());
    if (plan.results().sharesManifests()) {
      plan.results().shareManifest(plan.keys().manifest(), written.get());
    }
  }

  /**
   * True when the prefix maps leave no line-marker path (the working directory's included) under
   * base_dir. With debug info the result key holds these paths mapped but not made relative, so
   * only then does another checkout's text key the same result.
   */
  private static boolean mappedOutOfBaseDir(PathPolicy policy, byte[] text) {
    return LineMarkers.allMarkerPaths(
        text,
        path -> {
          String mapped = policy.map(path);
          return policy.relativize(mapped).equals(mapped);
        });
  }

  /** True when an argument (a -D value, say) may expand to a file name. */
  private static boolean argsNameFileMacros(Invocation inv) {
    for (KeyArg a : inv.keyArgs()) {
      if ((SourceScan.flags(a.text().getBytes(StandardCharsets.UTF_8)) & SourceScan.FILE_MACROS)
          != 0) {
        return true;
      }
    }
    return false;
  }
}
