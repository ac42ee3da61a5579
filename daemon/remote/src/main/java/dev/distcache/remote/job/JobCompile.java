package dev.distcache.remote.job;

import dev.distcache.core.Bytes;
import dev.distcache.core.process.Cancellation;
import dev.distcache.core.process.Command;
import dev.distcache.core.process.ProcessRunner;
import dev.distcache.distribute.distcc.DistccReply;
import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.ProtocolVersion;
import dev.distcache.distribute.distcc.PumpFile;
import dev.distcache.remote.policy.JobPlan;
import dev.distcache.remote.policy.JobRefused;
import dev.distcache.remote.report.JobResult;
import dev.distcache.remote.report.JobSummary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compile stage: a private directory per job, the input written under the daemon's own names
 * (protocols 1 and 2: {@code input.i}; pump mode: the client's tree under {@code root}), the
 * compiler run with the daemon's output paths, the answer read back within the size limit, and the
 * directory removed. In pump mode the compiler gets {@code -ffile-prefix-map=ROOT=} first (so any
 * map of the client's takes precedence), which makes debug info and {@code __FILE__} name the
 * client's paths exactly as a local compile does; distccd instead patches the object afterwards.
 * The root is also removed from the dependency file (as distccd does) and from stdout and stderr.
 */
public final class JobCompile {
  /** distcc's exit code for a job that outlived {@code --job-lifetime}. */
  static final int EXIT_TIMEOUT = 118;

  private static final byte[] NONE = new byte[0];
  private static final Path NICE = Path.of("/usr/bin/nice");
  private static final List<String> DATE_MACROS = List.of("__DATE__", "__TIME__", "__TIMESTAMP__");

  /**
   * Where job directories go, the niceness, the job lifetime and the most bytes read back per file.
   */
  public record Settings(Path tmpTop, int nice, int jobLifetimeSeconds, int maxOutputBytes) {}

  /**
   * The answer, how the job ended, and whether the answer may be stored: the job could not have
   * come out differently (no path of the job's directory in it, no date macro in pump-mode
   * sources).
   */
  record Compiled(DistccReply reply, JobResult result, boolean storable) {}

  private final Settings settings;
  private final Map<String, String> env;
  private final ProcessRunner runner;

  public JobCompile(Settings settings, Map<String, String> daemonEnv) {
    this(settings, daemonEnv, ProcessRunner.system());
  }

  /** {@code runner} runs the compilers. */
  public JobCompile(Settings settings, Map<String, String> daemonEnv, ProcessRunner runner) {
    this.settings = settings;
    this.runner = runner;
    Map<String, String> e = new HashMap<>(daemonEnv);
    e.remove("DEPENDENCIES_OUTPUT"); // gcc would write dependency files where they say
    e.remove("SUNPRO_DEPENDENCIES");
    this.env = Map.copyOf(e);
  }

  /** The environment compilers run with. */
  public Map<String, String> environment() {
    return env;
  }

  /**
   * Compiles the job. The compiler runs as distccd runs it: stdin from /dev/null, stdout and stderr
   * into files of the job's directory (so a chatty compiler costs disk, not memory, until they are
   * read back within the limit), at the daemon's niceness, stopped with everything it started when
   * the job's lifetime ends or {@code cancellation} (null for none) is cancelled.
   */
  Compiled compile(DistccRequest request, JobPlan plan, Path compiler, Cancellation cancellation)
      throws IOException, JobRefused {
    try (JobWorkspace ws = JobWorkspace.create(settings.tmpTop())) {
      Path out = ws.file(plan.outputName());
      String outArg = out.toString();
      Path dwo = null;
      Path deps = ws.file("deps.d");
      List<String> cmd = new ArrayList<>(List.of(compiler.toString()));
      Path cwd;
      String root = null;
      switch (request) {
        case DistccRequest.Preprocessed p -> {
          String input = "input" + plan.inputExtension();
          Files.write(ws.file(input), p.source());
          List<String> args = new ArrayList<>(plan.args());
          args.set(plan.sourceIndex(), input);
          cmd.addAll(args);
          cmd.addAll(List.of("-o", plan.outputName()));
          cwd = ws.dir();
        }
        case DistccRequest.Pump p -> {
          Files.createDirectory(ws.root());
          PumpTree.materialize(ws.root(), p.cwd(), p.files());
          root = ws.root().toString();
          cwd = Path.of(root + p.cwd());
          cmd.add("-ffile-prefix-map=" + root + "=");
          cmd.addAll(PumpPaths.rewrite(plan.args(), plan.sourceIndex(), root, p.cwd()));
          if (plan.splitDwarfOutput() != null) {
            // the client's own output path under the root: the object names its .dwo by it
            outArg = PumpPaths.output(plan.splitDwarfOutput(), root, p.cwd());
            Path client = Path.of(p.cwd()).resolve(plan.splitDwarfOutput()).normalize();
            PumpTree.directories(ws.root(), client.getParent().toString());
            out = Path.of(root + client);
            dwo = Path.of(root + Path.of(p.cwd()).resolve(plan.splitDwarfFile()).normalize());
          }
          cmd.addAll(List.of("-o", outArg));
          if (!plan.args().contains("-MD") && !plan.args().contains("-MMD")) {
            cmd.add("-MMD");
          }
          cmd.addAll(List.of("-MF", deps.toString()));
        }
      }
      ProcessRunner.Exec r;
      try {
        r = runner.run(command(cmd, cwd, ws).withCancellation(cancellation));
      } catch (Cancellation.CancelledException e) {
        return new Compiled(null, JobResult.CLI_DISCONN, false);
      }
      int status = r.timedOut() ? EXIT_TIMEOUT << 8 : waitStatus(r.exitCode());
      byte[] stdout = strip(read(ws.file("stdout")), root);
      byte[] stderr = strip(read(ws.file("stderr")), root);
      ProtocolVersion v = request.version();
      if (r.timedOut()) {
        byte[] note =
            ("distcache daemon: the compile ran longer than --job-lifetime "
                    + settings.jobLifetimeSeconds()
                    + " s and was killed\n")
                .getBytes(StandardCharsets.UTF_8);
        return new Compiled(
            new DistccReply(v, status, concat(stderr, note), stdout, NONE, NONE),
            JobResult.COMPILE_TIMEOUT,
            false);
      }
      if (status != 0) {
        return new Compiled(
            new DistccReply(v, status, stderr, stdout, NONE, NONE), JobResult.COMPILE_ERROR, false);
      }
      if (!Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS)
          || Files.size(out) == 0
          || (root != null && !Files.isRegularFile(deps, LinkOption.NOFOLLOW_LINKS))
          || (dwo != null && !Files.isRegularFile(dwo, LinkOption.NOFOLLOW_LINKS))) {
        String why =
            "distcache daemon: the compiler succeeded but wrote no "
                + (!Files.exists(out)
                    ? "output"
                    : dwo != null && !Files.exists(dwo) ? ".dwo file" : "dependency file")
                + "\n";
        return new Compiled(
            JobPipeline.failure(v, JobSummary.EXIT_DISTCC_FAILED, why),
            JobResult.COMPILE_ERROR,
            false);
      }
      long biggest =
          Math.max(
              Math.max(Files.size(out), root == null ? 0 : Files.size(deps)),
              dwo == null ? 0 : Files.size(dwo));
      if (biggest > settings.maxOutputBytes()) {
        String why =
            "distcache daemon: the compiler's output is "
                + biggest
                + " bytes, over the daemon's limit of "
                + settings.maxOutputBytes()
                + " (--max-file-size)\n";
        return new Compiled(
            JobPipeline.failure(v, JobSummary.EXIT_DISTCC_FAILED, why),
            JobResult.COMPILE_ERROR,
            false);
      }
      byte[] object = Files.readAllBytes(out);
      byte[] dotd =
          root == null
              ? NONE
              : DotdFile.clean(Files.readAllBytes(deps), outArg, plan.dotdTarget(), root);
      DistccReply reply =
          new DistccReply(
              v, 0, stderr, stdout, object, dotd, dwo == null ? null : Files.readAllBytes(dwo));
      return new Compiled(
          reply, JobResult.COMPILE_OK, plan.storable() && deterministic(reply, ws.dir(), request));
    }
  }

  /** The compiler's command at the daemon's niceness, output to the job's files, time-limited. */
  private Command command(List<String> compilerCmd, Path cwd, JobWorkspace ws) {
    List<String> argv = new ArrayList<>();
    if (settings.nice() != 0 && Files.isExecutable(NICE)) {
      argv.addAll(List.of(NICE.toString(), "-n", Integer.toString(settings.nice())));
    }
    argv.addAll(compilerCmd);
    int lifetime = settings.jobLifetimeSeconds();
    return Command.of(argv, env, cwd)
        .withOutputTo(ws.file("stdout"), ws.file("stderr"))
        .withTimeLimit(lifetime > 0 ? Duration.ofSeconds(lifetime) : null);
  }

  /**
   * The wait status distcc sends: the exit code {@code << 8}, or the signal number. Java reports
   * death by a signal as 128 + the signal; gcc itself never exits above 128.
   */
  private static int waitStatus(int exitCode) {
    return exitCode > 128 ? exitCode - 128 : exitCode << 8;
  }

  /** Reads what the compiler printed; beyond the size limit, its first half and a note. */
  private byte[] read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return NONE;
    }
    long size = Files.size(file);
    if (size > settings.maxOutputBytes()) {
      String note =
          "[distcache daemon: "
              + file.getFileName()
              + " was "
              + size
              + " bytes, over the limit of "
              + settings.maxOutputBytes()
              + "; cut]\n";
      try (InputStream in = Files.newInputStream(file)) {
        return concat(
            in.readNBytes(settings.maxOutputBytes() / 2), note.getBytes(StandardCharsets.UTF_8));
      }
    }
    return Files.readAllBytes(file);
  }

  private static boolean deterministic(DistccReply reply, Path jobDir, DistccRequest request) {
    byte[] dir = jobDir.toString().getBytes(StandardCharsets.UTF_8);
    for (byte[] part :
        List.of(
            reply.object(),
            reply.stdout(),
            reply.stderr(),
            reply.dependencies(),
            reply.splitDwarf() == null ? NONE : reply.splitDwarf())) {
      if (Bytes.indexOf(part, dir) >= 0) {
        return false; // the compile embedded a path of this job (no working-directory line marker,
        // say)
      }
    }
    if (request instanceof DistccRequest.Pump p) {
      for (PumpFile f : p.files()) {
        if (f instanceof PumpFile.Regular r) {
          for (String macro : DATE_MACROS) {
            if (Bytes.indexOf(r.content(), macro.getBytes(StandardCharsets.US_ASCII)) >= 0) {
              return false; // expanded here, at compile time
            }
          }
        }
      }
    }
    return true;
  }

  /** {@code text} with every occurrence of the root removed (pump mode); unchanged otherwise. */
  private static byte[] strip(byte[] text, String root) {
    if (root == null) {
      return text;
    }
    return Bytes.removeAll(text, root.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
