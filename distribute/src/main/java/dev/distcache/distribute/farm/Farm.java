package dev.distcache.distribute.farm;

import dev.distcache.core.args.Invocation;
import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigKey;
import dev.distcache.core.log.ServerLog;
import dev.distcache.core.process.ProcessRunner;
import dev.distcache.core.stats.Counter;
import dev.distcache.core.tls.TlsFileException;
import dev.distcache.distribute.client.ClientSettings;
import dev.distcache.distribute.client.DistccClient;
import dev.distcache.distribute.client.HostUnreachableException;
import dev.distcache.distribute.client.RemoteFailure;
import dev.distcache.distribute.client.RemoteJobException;
import dev.distcache.distribute.distcc.DistccReply;
import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.ProtocolVersion;
import dev.distcache.distribute.hosts.HostList;
import dev.distcache.distribute.hosts.HostSpec;
import dev.distcache.distribute.hosts.HostsException;
import dev.distcache.distribute.hosts.HostsSource;
import dev.distcache.distribute.nativeproto.NativeClient;
import dev.distcache.distribute.nativeproto.NativeCodec;
import dev.distcache.distribute.nativeproto.NativeIdentity;
import dev.distcache.distribute.nativeproto.NativeKey;
import dev.distcache.distribute.tls.ClientTls;
import dev.distcache.hashing.CompilerIdentifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs the compile of a cache miss on a distcc host (or a distcache daemon, {@code ,distcache}, in
 * the native protocol; {@code ,tls} the same over TLS, with the {@code remote_tls_*} and {@code
 * remote_token_file} settings) when the request's host list names one ({@code $DISTCACHE_HOSTS},
 * the {@code hosts} setting, else distcc's places), locally otherwise or when every host fails. The
 * object comes back from the host; the dependency file is written here by the preprocessor, as
 * distcc does. The caller then reads the outputs from disk as after a local compile. With no host
 * list the local compile runs exactly as without this class.
 *
 * <p>Thread-safe: one instance per server; its {@link Scheduler} is shared by every compile.
 */
public final class Farm {
  /** Runs the compile on this machine, as the pipeline would without a farm. */
  @FunctionalInterface
  public interface LocalCompile {
    ProcessRunner.Exec run() throws IOException;
  }

  /**
   * One cache miss.
   *
   * @param compiler the located compiler
   * @param env the compiler's environment (the client's, which also selects the hosts)
   * @param cwd the directory the compile runs in
   * @param apparentCwd that directory as the compiler names it in debug info ({@code $PWD} when it
   *     names the same directory)
   * @param extra arguments the pipeline adds to the compile (colour flags)
   * @param preprocessed the preprocessor output the pipeline keyed the compile with
   * @param stats counts a {@link Counter}
   * @param log the server log file ({@code log_file}), empty for none
   */
  public record Job(
      Invocation inv,
      Path compiler,
      Map<String, String> env,
      Path cwd,
      Path apparentCwd,
      List<String> extra,
      byte[] preprocessed,
      Config config,
      Consumer<Counter> stats,
      String log) {}

  private static final NativeIdentity IDENTITIES = new NativeIdentity();

  private final Scheduler scheduler = new Scheduler();
  private final RunningJobs running = new RunningJobs();
  private final HostStats hostStats = new HostStats();
  private final ProcessRunner runner;
  private final DistccClient client;
  private final NativeClient natives;
  private final Path sysconfDir;
  private final Consumer<String> hostListProblems;

  /** The TLS settings of {@code ,tls} hosts, by their files and those files' change times. */
  private final Map<String, ClientTls> tls = new ConcurrentHashMap<>();

  public Farm() {
    this(problem -> {});
  }

  /**
   * {@code hostListProblems} hears of each host list that cannot be used (the compile then stays
   * local).
   */
  public Farm(Consumer<String> hostListProblems) {
    this(ProcessRunner.system(), hostListProblems);
  }

  /** A farm whose local processes (dependency files, {@code -march=native}) {@code runner} runs. */
  public Farm(ProcessRunner runner, Consumer<String> hostListProblems) {
    this(runner, ClientSettings.DEFAULTS, Path.of("/etc"), hostListProblems);
  }

  Farm(ClientSettings settings, Path sysconfDir) {
    this(settings, sysconfDir, problem -> {});
  }

  Farm(ClientSettings settings, Path sysconfDir, Consumer<String> hostListProblems) {
    this(ProcessRunner.system(), settings, sysconfDir, hostListProblems);
  }

  Farm(
      ProcessRunner runner,
      ClientSettings settings,
      Path sysconfDir,
      Consumer<String> hostListProblems) {
    this.runner = runner;
    this.client = new DistccClient(settings);
    this.natives = new NativeClient(settings);
    this.sysconfDir = sysconfDir;
    this.hostListProblems = hostListProblems;
  }

  /**
   * Where a request with {@code env} and {@code config} finds its host list, for {@code distcache
   * hosts}: the same places as its compiles.
   */
  public HostsSource hostsSource(Map<String, String> env, Config config) {
    return HostsSource.of(env, config, sysconfDir);
  }

  /** The jobs this farm is running, for {@code distcache mon}. */
  public RunningJobs running() {
    return running;
  }

  /**
   * The remote hosts compiles have used since the server started, first used first, for the web
   * monitor: slots, backoff and what each has done. Names and figures only, never a credential.
   */
  public List<HostStats.Host> hosts() {
    return scheduler.hosts().stream()
        .map(h -> hostStats.host(h.spec(), h.inUse(), h.backoffNanos()))
        .toList();
  }

  /** Compiles {@code job} remotely or with {@code local}; the outputs are on disk afterwards. */
  public ProcessRunner.Exec compile(Job job, LocalCompile local) throws IOException {
    Optional<HostList> hosts = hosts(job);
    if (hosts.isEmpty()) {
      return local.run();
    }
    HostList list = hosts.get();
    Optional<String> keepLocal = RemoteArgs.keepLocal(job.inv());
    if (keepLocal.isEmpty() && RemoteArgs.needsSources(job.inv())) {
      Optional<HostList> takers = sourceHosts(list);
      if (takers.isEmpty()) {
        keepLocal =
            Optional.of(
                "debug info (its sources can go only to a distcache daemon, ,distcache or ,tls)");
      } else {
        list = takers.get();
      }
    }
    if (keepLocal.isPresent()) {
      ServerLog.log(
          job.log(), "local " + job.inv().source() + ": " + keepLocal.get() + " stays local");
    }
    try {
      return schedule(job, list, keepLocal.isEmpty(), local);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a compile slot");
    }
  }

  /**
   * The usable hosts of the request's list, shuffled for this compile when it says {@code
   * --randomize}; empty when it names no remote host this client can use.
   */
  static Optional<HostList> usable(HostList list, String log) {
    List<HostSpec> kept =
        new ArrayList<>(
            list.hosts().stream()
                .filter(h ->
                    switch (h) {
                      case HostSpec.Local l -> true;
                      case HostSpec.Tcp t -> !t.options().down() && !t.options().auth();
                      case HostSpec.Ssh s ->
                          !s.options().down() && !s.options().auth() && !s.options().distcache();
                    })
                .toList());
    if (kept.size() < list.hosts().size()) {
      ServerLog.log(
          log,
          "hosts from "
              + list.source()
              + ": auth and down entries, and distcache over ssh, are not used");
    }
    if (kept.stream().allMatch(h -> h instanceof HostSpec.Local)) {
      return Optional.empty();
    }
    if (list.randomize()) {
      Collections.shuffle(kept);
    }
    return Optional.of(list.withHosts(kept));
  }

  /**
   * The hosts of {@code list} that take a job with its sources ({@link RemoteArgs#needsSources}):
   * distcache daemons ({@code ,distcache}, {@code ,tls}), in the native protocol. Empty when there
   * is none.
   */
  static Optional<HostList> sourceHosts(HostList list) {
    List<HostSpec> kept =
        list.hosts().stream()
            .filter(h ->
                h instanceof HostSpec.Local
                    || h instanceof HostSpec.Tcp t && t.options().distcache())
            .toList();
    if (kept.stream().allMatch(h -> h instanceof HostSpec.Local)) {
      return Optional.empty();
    }
    return Optional.of(list.withHosts(kept));
  }

  private Optional<HostList> hosts(Job job) {
    try {
      HostList list = hostsSource(job.env(), job.config()).load();
      return usable(list, job.log());
    } catch (HostsException e) {
      ServerLog.log(job.log(), "host list not used, compiling locally: " + e.getMessage());
      hostListProblems.accept(e.getMessage() + "; the host list is not used, compiles run locally");
      return Optional.empty();
    }
  }

  private ProcessRunner.Exec schedule(Job job, HostList hosts, boolean remote, LocalCompile local)
      throws IOException, InterruptedException {
    Set<String> tried = new HashSet<>();
    try (RunningJobs.Entry monitor = running.start(job.inv().source())) {
      while (true) {
        monitor.blocked();
        Scheduler.Slot slot =
            scheduler.acquire(hosts, tried, remote, backoffSeconds(job.env()) > 0);
        monitor.running(slot.host().map(Scheduler::key).orElse(Scheduler.LOCAL), slot.index());
        try {
          if (slot.host().isEmpty()) {
            return local.run();
          }
          Attempt a = remote(job, slot.host().get());
          if (a.exec().isPresent()) {
            return a.exec().get();
          }
          tried.add(slot.key());
          // A host that did not connect: the next one. A broken job or a compile error: here, as
          // distcc.
          remote = a.nextHost();
        } finally {
          scheduler.release(slot);
        }
      }
    }
  }

  /**
   * A remote attempt's end: its result, or none and whether to try the next host (else compile
   * locally).
   */
  private record Attempt(Optional<ProcessRunner.Exec> exec, boolean nextHost) {
    static Attempt done(ProcessRunner.Exec e) {
      return new Attempt(Optional.of(e), false);
    }

    static final Attempt NEXT_HOST = new Attempt(Optional.empty(), true);
    static final Attempt LOCAL = new Attempt(Optional.empty(), false);
  }

  /** The remote attempt: the result, or empty to go on (next host or local). */
  private Attempt remote(Job job, HostSpec host) throws IOException {
    Invocation inv = job.inv();
    boolean sources = RemoteArgs.needsSources(inv);
    Function<String, Optional<List<String>>> natives =
        option -> NativeFlags.resolve(runner, job.compiler(), option, job.env());
    Optional<List<String>> resolved =
        sources
            ? RemoteArgs.sourcesArgv(inv, job.compiler(), job.extra(), natives)
            : RemoteArgs.argv(inv, job.compiler(), job.extra(), natives);
    if (resolved.isEmpty()) {
      ServerLog.log(
          job.log(),
          "local " + inv.source() + ": cannot resolve -march/-mtune=native for " + job.compiler());
      return Attempt.LOCAL;
    }
    List<String> argv = resolved.get();
    DistccReply reply;
    String key = Scheduler.key(host);
    long sent = System.nanoTime();
    String shipped = "";
    DistccRequest.Pump pump = null;
    if (sources) {
      Optional<DistccRequest.Pump> files = sourcesRequest(job, argv);
      if (files.isEmpty()) {
        return Attempt.LOCAL;
      }
      pump = files.get();
      shipped = ", with " + pump.files().size() + " source files";
    }
    try {
      if (host instanceof HostSpec.Tcp t && t.options().distcache()) {
        Optional<DistccReply> answered = nativeCompile(job, t, argv, pump);
        if (answered.isEmpty()) {
          hostStats.failed(key);
          return Attempt.NEXT_HOST;
        }
        reply = answered.get();
      } else {
        reply = send(job, host, argv);
      }
    } catch (HostUnreachableException e) {
      job.stats().accept(Counter.REMOTE_HOST_UNREACHABLE);
      hostStats.unreachable(key);
      long backoff = backoffSeconds(job.env());
      scheduler.backOff(host, backoff);
      ServerLog.log(
          job.log(),
          "remote "
              + host
              + " "
              + inv.source()
              + ": unreachable, backed off "
              + backoff
              + " s: "
              + e.getMessage());
      return Attempt.NEXT_HOST;
    } catch (RemoteJobException e) {
      job.stats().accept(Counter.REMOTE_JOB_FAILED);
      hostStats.failed(key);
      ServerLog.log(
          job.log(),
          "remote "
              + host
              + " "
              + inv.source()
              + ": job failed, compiling locally: "
              + e.getMessage());
      return Attempt.LOCAL;
    }
    long answered = System.nanoTime() - sent;
    if (!reply.succeeded()) {
      job.stats().accept(Counter.REMOTE_COMPILE_ERROR);
      boolean skipRetry = flag(job.env().get("DISTCC_SKIP_LOCAL_RETRY"));
      ServerLog.log(
          job.log(),
          "remote "
              + host
              + " "
              + inv.source()
              + ": compile error, exit "
              + reply.exitCode()
              + (skipRetry ? "" : ", retrying locally"));
      return skipRetry
          ? Attempt.done(new ProcessRunner.Exec(reply.exitCode(), reply.stdout(), reply.stderr()))
          : Attempt.LOCAL;
    }
    if (reply.stderr().length > 0 || reply.stdout().length > 0) {
      // A remote compiler's diagnostics are not the local one's: it cannot show source lines (the
      // source is not there) and speaks its own locale. Output must be what the local compile
      // gives.
      ServerLog.log(
          job.log(),
          "remote "
              + host
              + " "
              + inv.source()
              + ": diagnostics, compiling locally for exact output");
      return Attempt.LOCAL;
    }
    RemoteOutputs.writeObject(job.cwd().resolve(inv.output()), reply.object());
    if (inv.dwoFile().isPresent() && reply.splitDwarf() != null) {
      RemoteOutputs.writeObject(job.cwd().resolve(inv.dwoFile().get()), reply.splitDwarf());
    }
    if (inv.depFile().isPresent()) {
      ProcessRunner.Exec deps = RemoteOutputs.writeDepFile(runner, job);
      if (deps.exitCode() != 0) {
        ServerLog.log(
            job.log(),
            "remote " + host + " " + inv.source() + ": dependency file failed, compiling locally");
        return Attempt.LOCAL;
      }
    }
    job.stats().accept(Counter.REMOTE_COMPILE);
    if (sources) {
      job.stats().accept(Counter.REMOTE_COMPILE_SOURCES);
    }
    hostStats.done(key, answered);
    ServerLog.log(
        job.log(),
        "remote "
            + host
            + " "
            + inv.source()
            + ": ok, "
            + reply.object().length
            + " bytes"
            + shipped);
    return Attempt.done(new ProcessRunner.Exec(0, reply.stdout(), reply.stderr()));
  }

  /**
   * Sends the job to a distcc host, over TCP or through ssh ({@code $DISTCC_SSH} from the client's
   * environment).
   */
  private DistccReply send(Job job, HostSpec host, List<String> argv) throws RemoteFailure {
    return switch (host) {
      case HostSpec.Tcp t ->
          client.compile(t.host(), t.port(), version(t.options().lzo()), argv, job.preprocessed());
      case HostSpec.Ssh s ->
          client.compile(
              s, version(s.options().lzo()), job.env().get("DISTCC_SSH"), argv, job.preprocessed());
      case HostSpec.Local l ->
          throw new IllegalArgumentException("localhost is compiled by the local slot, not sent");
    };
  }

  /**
   * The pump-protocol job for a compile with debug info: the arguments with their preprocessor
   * options, the apparent working directory, and the source and headers ({@link ShippedSources});
   * empty, logged, when it must stay local.
   */
  private Optional<DistccRequest.Pump> sourcesRequest(Job job, List<String> argv) {
    Invocation inv = job.inv();
    Optional<List<Path>> builtin =
        BuiltinIncludeDirs.of(runner, job.compiler(), inv.language(), job.env());
    if (builtin.isEmpty()) {
      ServerLog.log(
          job.log(),
          "local "
              + inv.source()
              + ": cannot read "
              + job.compiler()
              + "'s include directories, so debug info stays local");
      return Optional.empty();
    }
    ShippedSources.Outcome o =
        ShippedSources.collect(
            job.apparentCwd(), inv.source(), inv.args(), job.preprocessed(), builtin.get());
    return switch (o) {
      case ShippedSources.KeepLocal k -> {
        ServerLog.log(job.log(), "local " + inv.source() + ": " + k.why() + ", stays local");
        yield Optional.empty();
      }
      case ShippedSources.Shipped s ->
          Optional.of(new DistccRequest.Pump(job.apparentCwd().toString(), argv, s.files()));
    };
  }

  /** Protocol 2 for {@code ,lzo} hosts (pump hosts too: this client preprocesses), else 1. */
  private static ProtocolVersion version(boolean lzo) {
    return lzo ? ProtocolVersion.V2 : ProtocolVersion.V1;
  }

  /**
   * The job on a distcache daemon ({@code ,distcache}) in the native protocol: the compiler
   * identity resolved here and the job key first, the source only when the daemon lacks the result.
   * Empty when the daemon refuses the compiler (another version: the host is unusable for it) or
   * the job; the caller then tries the next host or compiles here.
   */
  private Optional<DistccReply> nativeCompile(
      Job job, HostSpec.Tcp host, List<String> argv, DistccRequest.Pump sources)
      throws RemoteFailure {
    String source = job.inv().source();
    String at = "remote " + host + " " + source + ": ";
    ClientTls security = null;
    if (host.options().tls()) {
      try {
        security = clientTls(job.config());
      } catch (TlsFileException e) {
        ServerLog.log(job.log(), at + e.getMessage());
        hostListProblems.accept(e.getMessage() + "; ,tls hosts are not used");
        return Optional.empty();
      }
    }
    String identity;
    try {
      identity = IDENTITIES.of(job.compiler(), job.env());
    } catch (CompilerIdentifier.CheckFailedException e) {
      ServerLog.log(job.log(), at + "cannot identify the compiler: " + e.getMessage());
      return Optional.empty();
    }
    NativeClient.Outcome o =
        sources != null
            ? natives.compileSources(host, security, identity, sources)
            : natives.compile(
                host,
                security,
                identity,
                argv,
                NativeKey.job(argv, job.preprocessed()),
                job.preprocessed());
    return switch (o) {
      case NativeClient.Outcome.Compiled c -> {
        ServerLog.log(
            job.log(), at + "native with its sources" + (c.reused() ? ", reused connection" : ""));
        yield Optional.of(c.reply());
      }
      case NativeClient.Outcome.Refused r -> {
        ServerLog.log(
            job.log(),
            at
                + (r.compiler() ? "refuses the compiler" : "refuses the job")
                + ", trying elsewhere: "
                + r.reason());
        yield Optional.empty();
      }
      case NativeClient.Outcome.Done d -> {
        ServerLog.log(
            job.log(),
            at
                + "native "
                + (d.hit() ? "daemon hit" : "compiled")
                + ", uploaded "
                + d.uploaded()
                + " bytes"
                + (d.reused() ? ", reused connection" : ""));
        NativeCodec.Result r = d.result();
        yield Optional.of(
            new DistccReply(
                ProtocolVersion.V1, r.status(), r.stderr(), r.stdout(), r.object(), new byte[0]));
      }
    };
  }

  /**
   * The client's TLS settings ({@code remote_tls_ca}, {@code remote_tls_cert}, {@code
   * remote_tls_key}, {@code remote_token_file}), loaded again when one of the files changes.
   */
  private ClientTls clientTls(Config config) throws TlsFileException {
    Path ca = path(config, ConfigKey.REMOTE_TLS_CA);
    Path cert = path(config, ConfigKey.REMOTE_TLS_CERT);
    Path key = path(config, ConfigKey.REMOTE_TLS_KEY);
    Path token = path(config, ConfigKey.REMOTE_TOKEN_FILE);
    StringBuilder id = new StringBuilder();
    for (Path p : new Path[] {ca, cert, key, token}) {
      id.append(p).append('@');
      try {
        id.append(p == null ? "" : Files.getLastModifiedTime(p).toMillis());
      } catch (IOException e) {
        id.append("unreadable"); // loading names the problem
      }
      id.append(';');
    }
    ClientTls cached = tls.get(id.toString());
    if (cached != null) {
      return cached;
    }
    ClientTls loaded = ClientTls.load(ca, cert, key, token);
    tls.clear(); // what older files made is not used again
    tls.put(id.toString(), loaded);
    return loaded;
  }

  private static Path path(Config config, ConfigKey key) {
    String v = config.get(key);
    return v == null || v.isEmpty() ? null : Path.of(v);
  }

  /** DISTCC_BACKOFF_PERIOD in seconds (default 60; 0 disables backing off). */
  static long backoffSeconds(Map<String, String> env) {
    String v = env.get("DISTCC_BACKOFF_PERIOD");
    if (v == null || v.isBlank()) {
      return 60;
    }
    try {
      return Math.max(0, Long.parseLong(v.strip()));
    } catch (NumberFormatException e) {
      return 60;
    }
  }

  private static boolean flag(String v) {
    return v != null && !v.isEmpty() && !v.equals("0");
  }
}
