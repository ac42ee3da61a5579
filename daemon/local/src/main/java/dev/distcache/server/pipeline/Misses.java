package dev.distcache.server.pipeline;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.stage.ResultCache;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.log.ServerLog;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  /** A preprocessor-mode miss: compiles, stores under the preprocessed key, records the entry. */
  Reply preprocessed(
      CompileContext c, CompileKeys.Keys keys, Optional<DirectMode.Plan> plan, byte[] text)
      throws IOException {
    Compiled done = run(c, text);
    Optional<CachedResult> result = capture(c, done, keys.exact());
    if (result.isPresent() && c.results().put(keys.key(), result.get()) && plan.isPresent()) {
      direct.recordPreprocessed(
          plan.get(), text, keys.key(), keys.exact(), c.config(), c.stats(), c.log());
    }
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
    long started = System.currentTimeMillis();
    ProcessRunner.Exec exec =
        preprocessed == null
            ? runner.run(cmd, c.env(), c.cwd())
            : farm.compile(
                new Farm.Job(
                    c.inv(),
                    c.located().compiler(),
                    c.env(),
                    c.cwd(),
                    c.extra(),
                    preprocessed,
                    c.config(),
                    c.stats()::count,
                    c.log()),
                () -> runner.run(cmd, c.env(), c.cwd()));
    return new Compiled(Reply.result(exec.exitCode(), exec.stdout(), exec.stderr()), exec, started);
  }

  /**
   * What a successful compile wrote, to be stored with {@code exact}, its files given the client's
   * umask; empty (and counted) when the compile failed or wrote no output.
   */
  private Optional<CachedResult> capture(CompileContext c, Compiled done, String exact)
      throws IOException {
    if (done.exec().exitCode() != 0) {
      c.stats().count(Counter.COMPILE_FAILED);
      return Optional.empty();
    }
    Optional<CachedResult> result =
        HitWriter.capture(c.inv(), c.cwd(), done.exec(), exact, done.startedMillis());
    if (result.isEmpty()) {
      c.stats().count(Counter.COMPILER_PRODUCED_NO_OUTPUT);
      return result;
    }
    if (c.umask() != serverUmask) {
      fixPermissions(c.inv(), c.cwd(), c.umask());
    }
    return result;
  }

  private static void fixPermissions(Invocation inv, Path cwd, int umask) throws IOException {
    OutputFiles.applyUmask(cwd.resolve(inv.output()), umask);
    if (inv.depFile().isPresent()) {
      OutputFiles.applyUmask(cwd.resolve(inv.depFile().get()), umask);
    }
    if (inv.dwoFile().isPresent() && Files.exists(cwd.resolve(inv.dwoFile().get()))) {
      OutputFiles.applyUmask(cwd.resolve(inv.dwoFile().get()), umask);
    }
  }
}
