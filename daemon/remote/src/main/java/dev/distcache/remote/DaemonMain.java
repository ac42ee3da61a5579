package dev.distcache.remote;

import dev.distcache.core.log.LogLevel;
import dev.distcache.remote.net.StdioChannel;
import dev.distcache.remote.report.JobSummary;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code distcache daemon [OPTIONS]}: a distccd-compatible compile daemon with its own cache. The
 * launcher ({@code bin/distcache daemon}) runs this class in a JVM of its own, since the compile
 * client must never load RocksDB. Exit codes follow distccd: 0, 101 for a bad command line, 1 when
 * it cannot start; in {@code --inetd} mode 0 when the job was answered.
 */
public final class DaemonMain {
  static final int EXIT_BAD_ARGUMENTS = 101;

  private DaemonMain() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.getenv()));
  }

  static int run(List<String> args, Map<String, String> env) {
    DaemonOptions o;
    try {
      o = OptionParser.parse(args, env);
    } catch (OptionParser.UsageException e) {
      System.err.println("distcache daemon: error: " + e.getMessage());
      return EXIT_BAD_ARGUMENTS;
    }
    switch (o.action()) {
      case HELP -> {
        System.out.print(Usage.help());
        return 0;
      }
      case VERSION -> {
        System.out.print(Usage.version());
        return 0;
      }
      case RUN -> {}
    }
    boolean inetd =
        o.mode() == DaemonOptions.Mode.INETD
            || (o.mode() == DaemonOptions.Mode.GUESS && stdinIsSocket());
    if (!inetd && !o.noDetach() && !Detach.isDetachedCopy()) {
      return Detach.spawn(o);
    }
    try {
      return inetd ? inetd(o, env) : listen(o, env);
    } catch (DaemonRuntime.StartException e) {
      System.err.println("distcache daemon: error: " + e.getMessage());
      return 1;
    }
  }

  private static int listen(DaemonOptions o, Map<String, String> env)
      throws DaemonRuntime.StartException {
    DaemonRuntime runtime = DaemonRuntime.open(o, false, env);
    String where = runtime.listen();
    Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "distcache-daemon-shutdown"));
    String started =
        "distcache daemon: listening on "
            + where
            + " (pid "
            + ProcessHandle.current().pid()
            + "); log in "
            + (o.logStderr()
                ? "stderr"
                : o.logFile() != null ? o.logFile() : o.cacheDir().resolve("daemon.log"))
            + "\n";
    if (!o.logStderr() && !Detach.isDetachedCopy()) {
      System.err.print(started);
    }
    Detach.ready(started);
    runtime.serve();
    runtime.close();
    return 0;
  }

  /**
   * One job on stdin/stdout; nothing else may write to stdout, so System.out is pointed at stderr.
   */
  private static int inetd(DaemonOptions o, Map<String, String> env)
      throws DaemonRuntime.StartException {
    FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
    try (DaemonRuntime runtime = DaemonRuntime.open(o, true, env)) {
      StdioChannel ch =
          new StdioChannel(
              new FileInputStream(FileDescriptor.in),
              stdout,
              () -> {
                runtime.log().log(
                    LogLevel.ERROR,
                    "dcc_r_request",
                    "no complete request on stdin within "
                        + o.ioTimeoutSeconds()
                        + " s (--io-timeout); exiting");
                runtime.close();
                Runtime.getRuntime().halt(JobSummary.EXIT_IO_ERROR);
              });
      JobSummary s = runtime.handler().serve(ch);
      try {
        stdout.flush();
      } catch (IOException e) {
        // The client has gone; the summary says so.
      }
      return s.result().compiled() ? 0 : s.ret() == 0 ? 1 : s.ret();
    }
  }

  private static boolean stdinIsSocket() {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString().startsWith("socket:");
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
