package dev.distcache.server.pipeline;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.stage.ResultCache;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.config.ConfigKey;
import dev.distcache.core.log.ServerLog;
import dev.distcache.core.process.Command;
import dev.distcache.core.process.ProcessRunner;
import dev.distcache.core.stats.Counter;
import dev.distcache.core.wire.Reply;
import dev.distcache.distribute.farm.Farm;
import dev.distcache.hashing.CompileKeys;
import dev.distcache.hashing.LineMarkers;
import dev.distcache.server.direct.DirectMode;
import dev.distcache.server.outputs.DepFiles;
import dev.distcache.server.outputs.HitWriter;
import dev.distcache.server.outputs.LocalFiles;
import dev.distcache.server.outputs.OutputFiles;
import dev.distcache.server.request.CompileContext;
import dev.distcache.server.request.Timing;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The miss stage: runs the real compile in the client's directory and environment, stores what it
 * wrote through the request's cache stage ({@link ResultCache}: read_only, limits, a failed store),
 * and records the manifest entry that lets direct mode find it next time. Thread-safe: one instance
 * serves every request.
 */
final class Misses {
  private final DirectMode direct;
  private final int serverUmask;
  private final ProcessRunner runner;
  private final Farm farm;

  /**
   * {@code runner} runs the local compiles; {@code farm} sends the ones it can to other hosts (and
   * runs the others through its local compile).
   */
  Misses(DirectMode direct, int serverUmask, ProcessRunner runner, Farm farm) {
    this.direct = direct;
    this.serverUmask = serverUmask;
    this.runner = runner;
    this.farm = farm;
  }

  /** A finished compile: the reply for the client, and what ran. */
  private record Compiled(Reply reply, ProcessRunner.Exec exec, long startedMillis) {}

  /**
   * A preprocessor-mode miss: compiles, stores under the preprocessed key, records the entry; the
   * two stages are marked in {@code timing} ({@code compile}, {@code store}).
   */
  Reply preprocessed(
      CompileContext c,
      CompileKeys.Keys keys,
      Optional<DirectMode.Plan> plan,
      byte[] text,
      Timing timing)
      throws IOException {
    Compiled done = run(c, text);
    timing.mark("compile");
    Optional<CachedResult> result = capture(c, done, keys.exact());
    timing.mark("capture");
    if (result.isPresent() && c.results().put(keys.key(), result.get()) && plan.isPresent()) {
      timing.mark("put");
      direct.recordPreprocessed(
          plan.get(), text, keys.key(), keys.exact(), c.config(), c.stats(), c.log());
    }
    timing.mark("store");
    return done.reply();
  }

  /**
   * A compile that may not use the cache past direct mode ({@code read_only_direct}): runs here,
   * gives its outputs the client's umask, stores nothing and records no manifest entry.
   */
  Reply uncached(CompileContext c) throws IOException {
    Compiled done = run(c, null);
    if (done.exec().exitCode() == 0 && c.umask() != serverUmask) {
      fixPermissions(c.inv(), c.cwd(), c.umask());
    }
    return done.reply();
  }

  /**
   * Depend mode's miss: no preprocessor runs; the dependency file the compile wrote names the files
   * it read, and their contents complete the result key. When they cannot be trusted (changed
   * during the compile, say), the result is not stored.
   */
  Reply dependMode(CompileContext c, DirectMode.Plan plan) throws IOException {
    Compiled done = run(c, null); // no preprocessed text to send: depend mode compiles here
    Optional<DirectMode.Depended> depended = Optional.empty();
    byte[] dep = null;
    try {
      dep = Files.readAllBytes(c.cwd().resolve(c.inv().depFile().get()));
    } catch (IOException e) {
      ServerLog.log(c.log(), "not storing " + c.inv().source() + " in depend mode: " + e);
    }
    // gcc 12 leaves the dependency file of a failed compile too: a failure may come from the file.
    Optional<String> irregular = dep == null ? Optional.empty() : irregularInput(dep, c.cwd());
    if (irregular.isPresent()) {
      // The compile here read the server's file (its stdin, say), not the client's: the client
      // compiles.
      c.stats().count(Counter.BAD_INPUT_FILE);
      ServerLog.log(
          c.log(),
          "uncacheable ("
              + Counter.BAD_INPUT_FILE.id()
              + "): "
              + c.inv().source()
              + " reads "
              + irregular.get()
              + ", which is not a regular file");
      return Reply.runLocally(Counter.BAD_INPUT_FILE.id());
    }
    if (done.exec().exitCode() == 0 && dep != null) {
      depended = direct.dependResult(plan, dep, c.log());
    }
    Optional<CachedResult> result = capture(c, done, depended.map(d -> d.key().hex()).orElse(""));
    if (result.isPresent()
        && depended.isPresent()
        && c.results().put(depended.get().key(), result.get())) {
      direct.recordDepended(plan, depended.get(), c.config(), c.stats(), c.log());
    }
    return done.reply();
  }

  /**
   * The first file a dependency file lists that is not the server's to read (see LocalFiles), or
   * empty.
   */
  private static Optional<String> irregularInput(byte[] dep, Path cwd) {
    List<String> listed = DepFiles.prerequisites(dep);
    if (listed == null) {
      return Optional.empty();
    }
    List<LineMarkers.MarkedFile> read = new ArrayList<>(listed.size());
    listed.forEach(p -> read.add(new LineMarkers.MarkedFile(p, false)));
    return LocalFiles.irregular(read, cwd);
  }

  /**
   * Runs the real compile: on a remote host of the farm when {@code preprocessed} is given and the
   * hosts allow it, else in the client's directory and environment.
   */
  private Compiled run(CompileContext c, byte[] preprocessed) throws IOException {
    List<String> cmd = new ArrayList<>(c.config().prefixCommand());
    cmd.add(c.located().compiler().toString());
    cmd.addAll(c.inv().args());
    cmd.addAll(c.extra());
    // As ccache: the prefix command and the compiler get UNCACHED_ERR_FD, for messages that reach
    // the user but are never cached; they go back in the reply's note, outside the cached stderr.
    Path uncached = Files.createTempFile("distcache-uncached-", ".txt");
    try {
      Command local = Command.of(cmd, c.env(), c.cwd()).withUncachedErrTo(uncached);
      long started = System.currentTimeMillis();
      ProcessRunner.Exec exec =
          preprocessed == null
              ? runner.run(local)
              : farm.compile(
                  new Farm.Job(
                      c.inv(),
                      c.located().compiler(),
                      c.env(),
                      c.cwd(),
                      c.apparentCwd(),
                      c.extra(),
                      preprocessed,
                      c.config(),
                      c.stats()::count,
                      c.log()),
                  () -> runner.run(local));
      Reply reply =
          Reply.result(exec.exitCode(), exec.stdout(), exec.stderr()).withNote(read(uncached));
      return new Compiled(reply, exec, started);
    } finally {
      Files.deleteIfExists(uncached);
    }
  }

  /** At most a note's worth of what the compile wrote to its uncached descriptor. */
  private static byte[] read(Path uncached) throws IOException {
    try (InputStream in = Files.newInputStream(uncached)) {
      return in.readNBytes(Reply.MAX_NOTE);
    }
  }

  /**
   * What a successful compile wrote, to be stored with {@code exact}, its files given the client's
   * umask; empty when the compile failed or wrote no output. Counts the outcome as ccache does: a
   * {@code cache_miss} only for a compile that gave a result to store ({@code recache} instead when
   * forced, counted by the store), {@code compile_failed}, {@code compiler_produced_no_output} or
   * {@code compiler_produced_empty_output} otherwise; under {@code read_only} every compile is a
   * {@code cache_miss}, as ccache decides that before it compiles.
   */
  private Optional<CachedResult> capture(CompileContext c, Compiled done, String exact)
      throws IOException {
    boolean readOnly = c.config().bool(ConfigKey.READ_ONLY);
    if (done.exec().exitCode() != 0) {
      c.stats().count(readOnly ? Counter.CACHE_MISS : Counter.COMPILE_FAILED);
      return Optional.empty();
    }
    Optional<CachedResult> result =
        HitWriter.capture(c.inv(), c.cwd(), done.exec(), exact, done.startedMillis());
    if (result.isEmpty()) {
      c.stats().count(readOnly ? Counter.CACHE_MISS : noOutput(c));
      return result;
    }
    if (readOnly || !c.config().bool(ConfigKey.RECACHE)) {
      c.stats().count(Counter.CACHE_MISS);
    }
    if (c.umask() != serverUmask) {
      fixPermissions(c.inv(), c.cwd(), c.umask());
    }
    return result.map(r -> inNamespace(r, c.keySettings().namespace()));
  }

  /** {@code r} with the namespace it is stored under in its meta (as ccache's entry headers). */
  private static CachedResult inNamespace(CachedResult r, String namespace) {
    if (namespace.isEmpty()) {
      return r;
    }
    Map<String, String> meta = new HashMap<>(r.meta());
    meta.put(CachedResult.META_NAMESPACE, namespace);
    return new CachedResult(r.files(), r.stdout(), r.stderr(), meta);
  }

  /**
   * Why a compile that succeeded left nothing to store: an empty object (or, as ccache sees it, an
   * output to /dev/null), or none.
   */
  private static Counter noOutput(CompileContext c) throws IOException {
    Path out = c.cwd().resolve(c.inv().output());
    return Files.exists(out) && Files.size(out) == 0
        ? Counter.COMPILER_PRODUCED_EMPTY_OUTPUT
        : Counter.COMPILER_PRODUCED_NO_OUTPUT;
  }

  private static void fixPermissions(Invocation inv, Path cwd, int umask) throws IOException {
    if (inv.objectExpected()) {
      OutputFiles.applyUmask(cwd.resolve(inv.output()), umask);
    }
    for (var side : inv.sideOutputs()) {
      OutputFiles.applyUmask(cwd.resolve(side.path()), umask);
    }
    if (inv.depFile().isPresent()) {
      OutputFiles.applyUmask(cwd.resolve(inv.depFile().get()), umask);
    }
    if (inv.dwoFile().isPresent() && Files.exists(cwd.resolve(inv.dwoFile().get()))) {
      OutputFiles.applyUmask(cwd.resolve(inv.dwoFile().get()), umask);
    }
  }
}
