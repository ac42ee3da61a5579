package dev.distcache.remote;

import dev.distcache.cache.StoreException;
import dev.distcache.core.log.LogLevel;
import dev.distcache.core.log.ServerLog;
import dev.distcache.core.process.ProcessRunner;
import dev.distcache.core.tls.TlsFileException;
import dev.distcache.distribute.tls.Tokens;
import dev.distcache.remote.job.DaemonCache;
import dev.distcache.remote.job.JobCompile;
import dev.distcache.remote.job.JobHandler;
import dev.distcache.remote.job.JobPipeline;
import dev.distcache.remote.job.JobWorkspace;
import dev.distcache.remote.job.NativeHandler;
import dev.distcache.remote.net.AccessList;
import dev.distcache.remote.net.DaemonTls;
import dev.distcache.remote.net.TcpServer;
import dev.distcache.remote.policy.CompilerPolicy;
import dev.distcache.remote.report.DaemonStats;
import dev.distcache.remote.report.HostFacts;
import dev.distcache.remote.report.MetricsPage;
import dev.distcache.remote.report.MonitorState;
import dev.distcache.remote.report.StatsPage;
import dev.distcache.remote.storage.StorageAccess;
import dev.distcache.remote.storage.StorageServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Everything one daemon process holds, built from its options: the log, the cache, the counters and
 * the job handler; for the TCP mode also the listeners. Closed once, in order: listeners (waiting
 * for jobs in progress), the sampler, the cache, the pid file, the log.
 *
 * <p>CONCURRENCY. Threads: the main thread accepts jobs; a platform thread accepts stats requests;
 * each connection runs on a virtual thread, which blocks on its client (bounded by {@code
 * --io-timeout}), on a job slot, on the compiler process (bounded by {@code --job-lifetime}) and on
 * the store; a running job has a second virtual thread watching for the client to hang up. One
 * timer thread runs the I/O deadlines (it only closes sockets), one samples the number of running
 * jobs each second, and {@code --lifetime} has its own. Shared state: {@link DaemonStats} and
 * {@link ServerLog} (each its own monitor, never held while calling out), {@link DaemonCache} (the
 * store's locks, see RocksResultStore), and the immutable policies; no thread holds two of these at
 * once.
 */
final class DaemonRuntime implements AutoCloseable {
  private final DaemonOptions options;
  private final ServerLog log;
  private final DaemonCache cache;
  private final DaemonStats stats;
  private final JobHandler handler;
  private final NativeHandler natives;
  private final TcpServer.Slots slots;
  private final HostFacts facts;
  private final ScheduledExecutorService sampler;
  private final DaemonTls tls;
  private final StorageAccess storageAccess;
  private TcpServer jobs;
  private TcpServer statsServer;
  private volatile StorageServer storageServer; // read by the stats thread
  private boolean pidWritten;

  /** Why the daemon cannot start; the message is for the user. */
  static final class StartException extends Exception {
    StartException(String message) {
      super(message);
    }
  }

  private DaemonRuntime(
      DaemonOptions options,
      ServerLog log,
      DaemonCache cache,
      Map<String, String> env,
      ProcessRunner runner,
      DaemonTls tls,
      Tokens readTokens) {
    this.options = options;
    this.tls = tls;
    this.storageAccess =
        new StorageAccess(
            options.access(),
            options.storageWriters().isEmpty()
                ? null
                : new AccessList(options.storageWriters(), true),
            tls == null ? null : tls.tokens().orElse(null),
            readTokens);
    this.log = log;
    this.cache = cache;
    this.stats = new DaemonStats(System::currentTimeMillis);
    Path tmpTop = Path.of(env.getOrDefault("TMPDIR", "/tmp"));
    this.facts = new HostFacts(tmpTop);
    JobCompile compile =
        new JobCompile(
            new JobCompile.Settings(
                tmpTop,
                options.nice(),
                options.jobLifetimeSeconds(),
                options.limits().maxDecodedLength()),
            env,
            runner);
    CompilerPolicy compilers =
        new CompilerPolicy(options.masqueradeDirs(), options.compilers(), env.get("PATH"));
    JobPipeline pipeline = new JobPipeline(compilers, cache, compile, compile.environment(), log);
    this.handler =
        new JobHandler(pipeline, options.limits(), options.ioTimeoutSeconds(), log, stats);
    this.slots = new TcpServer.Slots(options.jobs(), options.jobs() * 8 + 64);
    this.natives =
        new NativeHandler(
            compilers,
            pipeline,
            cache,
            compile,
            options.limits(),
            options.ioTimeoutSeconds(),
            slots,
            log,
            stats,
            tls != null,
            tls == null ? null : tls.tokens().orElse(null));
    this.sampler =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "distcache-daemon-sampler");
          t.setDaemon(true);
          return t;
        });
    sampler.scheduleAtFixedRate(stats::sample, 1, 1, TimeUnit.SECONDS);
    describeCompilers(compilers);
    int stale = JobWorkspace.removeStale(tmpTop);
    if (stale > 0) {
      log.log(
          LogLevel.NOTICE,
          "main",
          "removed "
              + stale
              + " job directories left in "
              + tmpTop
              + " by daemons that no longer run");
    }
  }

  /**
   * Opens the log and the cache. Without a cache (another process holds it), {@code --inetd}
   * compiles without one; a listening daemon refuses to start.
   */
  static DaemonRuntime open(DaemonOptions o, boolean inetd, Map<String, String> env)
      throws StartException {
    return open(o, inetd, env, ProcessRunner.system());
  }

  /** The same, with the jobs' compilers run by {@code runner}. */
  static DaemonRuntime open(
      DaemonOptions o, boolean inetd, Map<String, String> env, ProcessRunner runner)
      throws StartException {
    DaemonTls tls = null;
    Tokens readTokens = null;
    if (o.tlsCert() != null) {
      try {
        tls = DaemonTls.load(o.tlsCert(), o.tlsKey(), o.tlsClientCa(), o.authTokens());
        if (o.storageReadTokens() != null) {
          readTokens = Tokens.accepted("--storage-read-tokens", o.storageReadTokens());
        }
      } catch (TlsFileException e) {
        throw new StartException(e.getMessage());
      }
    }
    ServerLog log = openLog(o);
    DaemonCache cache;
    try {
      cache = DaemonCache.open(o.cacheDir(), o.maxSize(), o.remoteStorage(), log);
    } catch (IllegalArgumentException e) {
      log.close();
      throw new StartException("--remote-storage: " + e.getMessage());
    } catch (StoreException | IllegalStateException e) {
      String why = "cannot open the daemon's cache in " + o.cacheDir() + ": " + e.getMessage();
      if (!inetd) {
        log.close();
        throw new StartException(why + " (give each daemon its own --cache-dir)");
      }
      log.log(LogLevel.WARNING, "cache", why + "; compiling without the cache");
      cache = DaemonCache.none(log);
    }
    return new DaemonRuntime(o, log, cache, env, runner, tls, readTokens);
  }

  private static ServerLog openLog(DaemonOptions o) throws StartException {
    if (o.logStderr()) {
      return ServerLog.to(ServerLog.Format.DISTCCD, o.logLevel(), System.err);
    }
    Path file = o.logFile() != null ? o.logFile() : o.cacheDir().resolve("daemon.log");
    try {
      return ServerLog.toFile(ServerLog.Format.DISTCCD, o.logLevel(), file);
    } catch (IOException e) {
      throw new StartException("cannot open the log file " + file + ": " + e.getMessage());
    }
  }

  ServerLog log() {
    return log;
  }

  JobHandler handler() {
    return handler;
  }

  /** Binds the job port (and the stats port), writes the pid file; returns where it listens. */
  String listen() throws StartException {
    Connections connections =
        new Connections(
            options.access(),
            handler,
            natives,
            options.firstFrameSeconds(),
            options.maxClientConnections(),
            slots,
            stats,
            log,
            tls);
    try {
      jobs = TcpServer.bind(options.listen(), options.port(), connections::job);
      log.log(LogLevel.INFO, "dcc_listen_by_addr", "listening on " + jobs.where());
      if (options.stats()) {
        statsServer =
            TcpServer.bind(
                options.listen(), options.statsPort(), s -> connections.stats(s, this::statsPage));
        log.log(LogLevel.INFO, "dcc_listen_by_addr", "listening on " + statsServer.where());
        Thread.ofPlatform().daemon().name("distcache-daemon-stats").start(statsServer::serve);
      }
      if (options.storagePort() != 0) {
        if (!cache.enabled()) {
          throw new IOException("--storage-port needs the daemon's cache, and it has none");
        }
        storageServer =
            StorageServer.start(
                options.listen(),
                options.storagePort(),
                storageAccess,
                tls,
                cache.sharedEntries(),
                options.limits().maxBodyLength(),
                log);
        log.log(
            LogLevel.INFO,
            "dcc_listen_by_addr",
            "serving the shared cache tier on "
                + storageServer.where()
                + (tls == null ? " (HTTP)" : " (HTTPS)"));
      }
      if (options.pidFile() != null) {
        Files.writeString(options.pidFile(), ProcessHandle.current().pid() + "\n");
        pidWritten = true;
      }
    } catch (IOException e) {
      close();
      throw new StartException(e.getMessage());
    }
    if (tls != null) {
      log.log(LogLevel.NOTICE, "tls", tls.describe());
    }
    if (!options.access().explicit()) {
      log.log(
          LogLevel.NOTICE,
          "main",
          "no --allow given: serving loopback clients only (127.0.0.0/8, ::1);"
              + " give --allow ADDR[/BITS] for each network that may compile here");
    }
    if ("root".equals(System.getProperty("user.name"))) {
      log.log(
          LogLevel.WARNING,
          "main",
          "running as root: compilers run as root (distccd would switch to the distccd"
              + " user; distcache daemon cannot, so start it as an unprivileged user)");
    }
    log.log(
        LogLevel.NOTICE,
        "dcc_log_daemon_started",
        "distcache daemon started (pid "
            + ProcessHandle.current().pid()
            + ", "
            + options.jobs()
            + " jobs, cache "
            + (cache.enabled() ? options.cacheDir() : "off")
            + ")");
    return jobs.where();
  }

  /** Accepts jobs until closed (a signal, or {@code --lifetime}). */
  void serve() {
    if (options.lifetimeSeconds() > 0) {
      Thread.ofPlatform()
          .daemon()
          .start(() -> {
            try {
              Thread.sleep(options.lifetimeSeconds() * 1000L);
              log.log(
                  LogLevel.NOTICE,
                  "main",
                  "--lifetime " + options.lifetimeSeconds() + " s is over; exiting");
              close();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
    }
    jobs.serve();
  }

  /**
   * distccd's stats page, or Prometheus' metrics for {@code GET /metrics}, or the web monitor's
   * page and state for {@code GET /monitor} and {@code GET /api/state}.
   */
  private String statsPage(String path) {
    switch (path) {
      case "/metrics" -> {
        return MetricsPage.render(
            stats.snapshot(),
            options.jobs(),
            cacheNumbers(),
            storageServer == null ? null : storageServer.counts());
      }
      case "/monitor" -> {
        return MonitorState.page();
      }
      case "/api/state" -> {
        return MonitorState.state(
            stats, options.jobs(), cacheNumbers(), System.currentTimeMillis());
      }
      default -> {
        // distccd's page, for any other request
      }
    }
    long now = System.currentTimeMillis();
    return StatsPage.render(
        stats.snapshot(),
        options.jobs(),
        HostFacts.loadAverages(),
        HostFacts.processes(),
        facts.ioRate(now),
        facts.freeSpaceMb(),
        cacheNumbers());
  }

  private StatsPage.CacheNumbers cacheNumbers() {
    return new StatsPage.CacheNumbers(
        cache.enabled(),
        cache.hits(),
        cache.misses(),
        cache.stores(),
        cache.sizeBytes(),
        cache.files(),
        cache.deduplicated());
  }

  private void describeCompilers(CompilerPolicy compilers) {
    for (Path d : options.masqueradeDirs()) {
      if (!Files.isDirectory(d)) {
        log.log(
            LogLevel.WARNING,
            "main",
            "masquerade directory "
                + d
                + " does not exist, so it allows no compiler;"
                + " install distcc's links there, give --masquerade-dir, or --allow-compiler gcc,g++,...");
      }
    }
    log.log(LogLevel.INFO, "main", "allowed compilers: " + compilers.describe());
  }

  private final Object closing = new Object();
  private boolean closed;

  @Override
  public void close() {
    synchronized (closing) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (jobs != null) {
      natives.stop(); // idle native connections would otherwise hold the drain below
      jobs.close();
    }
    if (statsServer != null) {
      statsServer.close();
    }
    if (storageServer != null) {
      storageServer.close();
    }
    sampler.shutdownNow();
    cache.close();
    if (pidWritten) {
      try {
        Files.deleteIfExists(options.pidFile());
      } catch (IOException e) {
        // Left behind; the next start overwrites it.
      }
    }
    log.log(LogLevel.NOTICE, "dcc_daemon_terminate", "terminated");
    log.close();
  }
}
