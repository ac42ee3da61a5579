package dev.distcache.server;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.CleanupReport;
import dev.distcache.cache.ResultStore;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.compiler.CompilerLocator;
import dev.distcache.core.config.Config;
import dev.distcache.core.stats.Counter;
import dev.distcache.core.wire.Reply;
import dev.distcache.core.wire.Request;
import dev.distcache.distribute.farm.Farm;
import dev.distcache.distribute.farm.HostCheck;
import dev.distcache.distribute.hosts.HostList;
import dev.distcache.distribute.hosts.HostsException;
import dev.distcache.distribute.hosts.HostsParser;
import dev.distcache.distribute.hosts.HostsSource;
import dev.distcache.hashing.Blake3;
import dev.distcache.hashing.ContentHash;
import dev.distcache.hashing.ResultKey;
import dev.distcache.server.pipeline.ConfigNotes;
import dev.distcache.server.request.RecentCompiles;
import dev.distcache.server.web.LocalState;
import dev.distcache.server.web.WebMonitor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** Answers administration requests (docs/client-protocol.md) from the store. */
final class AdminHandler {
  private final CacheLayout layout;
  private final ResultStore store;
  private final ConfigNotes notes;
  private final long startedMillis = System.currentTimeMillis();
  private final Farm farm;
  private final CompilerLocator locator;
  private final Runnable shutdown;
  private final int serverUmask;
  private final Explainer explainer;
  private final RecentCompiles recent;
  private final WebMonitor web = new WebMonitor();

  /** {@code distcache explain}'s answer for a compile command (CompilePipeline.explain). */
  @FunctionalInterface
  interface Explainer {
    String explain(Request compile) throws IOException;
  }

  /**
   * {@code farm} is the server's: its jobs are listed by {@code jobs}, its host list shown and
   * checked by {@code hosts} and {@code hosts-check} ({@code locator} finds the compilers the check
   * asks about); {@code serverUmask} is this process's, which files written for a client must undo.
   */
  AdminHandler(
      CacheLayout layout,
      ResultStore store,
      ConfigNotes notes,
      Farm farm,
      CompilerLocator locator,
      Runnable shutdown,
      int serverUmask,
      Explainer explainer,
      RecentCompiles recent) {
    this.recent = recent;
    this.serverUmask = serverUmask;
    this.explainer = explainer;
    this.layout = layout;
    this.store = store;
    this.notes = notes;
    this.farm = farm;
    this.locator = locator;
    this.shutdown = shutdown;
  }

  /** Stops the web monitor, if one was started. */
  void close() {
    web.close();
  }

  Reply handle(Request req) {
    List<String> words = req.argv();
    if (words.isEmpty()) {
      return Reply.failed("empty administration request");
    }
    Config config = Config.load(layout, req.env());
    StringBuilder out = new StringBuilder();
    switch (words.get(0)) {
      case "stats" -> {
        store.writePending(); // the store's files settle, as after a ccache compile
        out.append(stats(config, true));
      }
      case "zero" -> store.zeroCounters();
      case "hash-file" -> {
        if (words.size() != 2) {
          return Reply.failed("hash-file needs one path");
        }
        try {
          out.append(hashFile(Path.of(words.get(1)))).append('\n');
        } catch (IOException e) {
          return Reply.result(
              1,
              new byte[0],
              ("failed to hash " + words.get(1) + ": " + e.getMessage() + "\n")
                  .getBytes(StandardCharsets.UTF_8));
        }
      }
      case "clear" -> report(out, store.clear());
      case "cleanup" -> {
        store.setLimits(config.maxSize(), config.maxFiles());
        report(out, store.cleanup());
      }
      case "evict-older-than" -> {
        long seconds;
        try {
          seconds = Long.parseLong(words.size() > 1 ? words.get(1) : "");
        } catch (NumberFormatException e) {
          return Reply.failed("evict-older-than needs a number of seconds");
        }
        report(out, store.evictOlderThan(Duration.ofSeconds(seconds)));
      }
      case "evict-namespace" -> {
        Duration unusedFor = null;
        try {
          if (words.size() == 3) {
            unusedFor = Duration.ofSeconds(Long.parseLong(words.get(2)));
          } else if (words.size() != 2) {
            throw new NumberFormatException();
          }
        } catch (NumberFormatException e) {
          return Reply.failed("evict-namespace needs a namespace and, optionally, seconds");
        }
        report(out, store.evictNamespace(words.get(1), unusedFor));
      }
      case "explain" -> {
        // The words after "explain" are the compile's argv; the request's directory and
        // environment are the compile's.
        if (words.size() < 2) {
          return Reply.failed("explain needs a compiler command");
        }
        try {
          out.append(
              explainer.explain(
                  new Request(
                      Request.Mode.COMPILE,
                      req.cwd(),
                      req.umask(),
                      req.ttys(),
                      req.invokedAs(),
                      words.subList(1, words.size()),
                      req.env())));
        } catch (IOException e) {
          return Reply.failed("explain: " + e.getMessage());
        }
      }
      case "inspect", "extract-result" -> {
        return storedResult(req);
      }
      case "status" -> {
        line(out, "pid", ProcessHandle.current().pid());
        line(out, "cache_dir", layout.cacheDir());
        line(out, "socket", layout.socket());
        line(out, "uptime_seconds", (System.currentTimeMillis() - startedMillis) / 1000);
      }
      case "web" -> {
        int port;
        try {
          port = Integer.parseInt(words.size() == 2 ? words.get(1) : "");
        } catch (NumberFormatException e) {
          port = -1;
        }
        if (port < 0 || port > 65535) {
          return Reply.failed("web needs a port from 0 (any free one) to 65535");
        }
        try {
          // max_size and max_files as the configuration says now, for the environment of the
          // request that asked for the monitor (the user's own).
          Map<String, String> env = Map.copyOf(req.env());
          out.append(
                  web.start(
                      port,
                      () ->
                          new LocalState(
                              store,
                              farm.running(),
                              farm::hosts,
                              recent,
                              () -> Config.load(layout, env))))
              .append('\n');
        } catch (IOException e) {
          return Reply.failed(
              "cannot serve the web monitor on 127.0.0.1:"
                  + port
                  + ": "
                  + e.getMessage()
                  + "; give another --port, or 0 for any free one");
        }
      }
      case "jobs" -> farm.running().lines().forEach(l -> out.append(l).append('\n'));
      case "progress" -> {
        // distcache mon's header: requests running now, and the slowest since the given time.
        long since;
        try {
          since = Long.parseLong(words.size() == 2 ? words.get(1) : "0");
        } catch (NumberFormatException e) {
          return Reply.failed("progress needs a time in epoch milliseconds");
        }
        out.append("running\t").append(recent.running()).append('\n');
        for (RecentCompiles.Compile c : recent.slowest(since, 3)) {
          out.append("slow\t")
              .append(c.millis())
              .append('\t')
              .append(c.hit() ? "hit" : "miss")
              .append('\t')
              .append(c.tier())
              .append('\t')
              .append(c.file())
              .append('\n');
        }
      }
      case "hosts", "hosts-check", "hosts-parse" -> {
        return hosts(req, config);
      }
      case "shutdown" -> Thread.ofPlatform().start(shutdown);
      default -> {
        return Reply.failed("unknown administration request \"" + words.get(0) + "\"");
      }
    }
    return Reply.result(0, out.toString().getBytes(StandardCharsets.UTF_8), new byte[0]);
  }

  /**
   * {@code hosts}: the host list the request's compiles would use and where it came from; {@code
   * hosts-check}: the same, with each host checked ({@link HostCheck}); {@code hosts-parse TEXT}:
   * TEXT in canonical form if it parses, for {@code hosts --set}. A list that does not parse fails
   * with the parser's message (source, line and column).
   */
  private Reply hosts(Request req, Config config) {
    List<String> words = req.argv();
    try {
      if (words.get(0).equals("hosts-parse")) {
        if (words.size() != 2) {
          return Reply.failed("hosts-parse needs the text of a host list");
        }
        return ok(HostsParser.parse(words.get(1), "the new host list").text());
      }
      HostsSource source = farm.hostsSource(req.env(), config);
      Optional<HostsSource.Found> found = source.find();
      if (found.isEmpty()) {
        return ok(
            "no host list is set; compiles run on this machine. Looked at, in order: "
                + String.join(", ", source.places())
                + "\n");
      }
      HostList list = HostsParser.parse(found.get().text(), found.get().source());
      StringBuilder out = new StringBuilder("from ").append(found.get().source()).append(":\n");
      if (words.get(0).equals("hosts")) {
        out.append(list.text());
        return ok(out.toString());
      }
      List<HostCheck.Result> results =
          new HostCheck()
              .check(list, HostCheck.compilers(locator, req.env(), Path.of(req.cwd())), config);
      for (HostCheck.Result r : results) {
        out.append(r).append('\n');
      }
      boolean allUsable = results.stream().allMatch(HostCheck.Result::usable);
      return Reply.result(
          allUsable ? 0 : 1, out.toString().getBytes(StandardCharsets.UTF_8), new byte[0]);
    } catch (HostsException e) {
      return Reply.failed(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Reply.failed("interrupted while checking the hosts");
    }
  }

  private static Reply ok(String text) {
    return Reply.result(0, text.getBytes(StandardCharsets.UTF_8), new byte[0]);
  }

  /**
   * {@code inspect KEY} (its description) and {@code extract-result KEY} (its files, written into
   * the request's directory). Reading the result marks it as used, as a hit does.
   */
  private Reply storedResult(Request req) {
    List<String> words = req.argv();
    ResultKey key;
    try {
      key = ResultKey.fromHex(words.size() == 2 ? words.get(1) : "");
    } catch (IllegalArgumentException e) {
      return Reply.failed(words.get(0) + " needs one result key (64 hex digits)");
    }
    Optional<CachedResult> result = store.get(key);
    if (result.isEmpty()) {
      return Reply.failed("no result is stored under " + key.hex());
    }
    StoredResultView view = new StoredResultView(key, result.get());
    if (words.get(0).equals("inspect")) {
      return Reply.result(0, view.describe().getBytes(StandardCharsets.UTF_8), new byte[0]);
    }
    try {
      view.extract(Path.of(req.cwd()), req.umask(), serverUmask);
    } catch (IOException e) {
      return Reply.failed("failed to write the files of " + key.hex() + ": " + e.getMessage());
    }
    return Reply.result(0, new byte[0], new byte[0]);
  }

  /**
   * The lines of the {@code stats} reply: every counter, the store's size, the limits and cache
   * directory of {@code config}, a damaged store kept aside, and the configuration's problems (with
   * those the server met, when {@code serverNotes}).
   */
  String stats(Config config, boolean serverNotes) {
    StringBuilder out = new StringBuilder();
    Map<Counter, Long> counters = store.counters();
    for (Counter c : Counter.values()) {
      line(out, c.id(), counters.getOrDefault(c, 0L));
    }
    line(out, "cache_size_bytes", store.totalSize());
    line(out, "files_in_cache", store.fileCount());
    line(out, "max_size", config.maxSize());
    line(out, "max_files", config.maxFiles());
    line(out, "cache_dir", layout.cacheDir());
    line(out, "config_file", layout.configFile());
    brokenStore().ifPresent(dir -> line(out, "store_moved_aside_to", dir));
    Set<String> problems = new LinkedHashSet<>(serverNotes ? notes.all() : List.of());
    problems.addAll(config.notes());
    int n = 0;
    for (String p : problems) {
      line(out, "config_note_" + ++n, p.replace('\n', ' ').replace('\t', ' '));
    }
    return out.toString();
  }

  /**
   * The newest store a server moved aside because it would not open (StoreOpener), if any is left.
   */
  private Optional<Path> brokenStore() {
    String prefix = layout.storeDir().getFileName() + ".broken-";
    try (Stream<Path> files = Files.list(layout.storeDir().getParent())) {
      return files
          .filter(f -> f.getFileName().toString().startsWith(prefix))
          .max(Comparator.comparing(f -> f.getFileName().toString()));
    } catch (IOException | UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /** The BLAKE3 of the file's bytes in hex, as ContentHash makes it for direct mode's keys. */
  private static String hashFile(Path file) throws IOException {
    Blake3 hash = new Blake3();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        hash.update(buffer, 0, n);
      }
    }
    return ContentHash.of(hash.digest()).hex();
  }

  private static void report(StringBuilder out, CleanupReport r) {
    line(out, "removed_files", r.removedFiles());
    line(out, "removed_bytes", r.removedBytes());
  }

  private static void line(StringBuilder out, String key, Object value) {
    out.append(key).append('\t').append(value).append('\n');
  }
}
