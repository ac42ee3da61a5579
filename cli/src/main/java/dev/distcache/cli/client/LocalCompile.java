package dev.distcache.cli.client;

import dev.distcache.core.CacheLayout;
import dev.distcache.core.compiler.CompilerLocator;
import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real compiler in this process's place, with this process's stdin, stdout and stderr. */
final class LocalCompile {
  private LocalCompile() {}

  static int run(
      Launcher launcher, Map<String, String> env, Path cwd, List<String> argv, String invokedAs) {
    Config config;
    try {
      config = Config.load(CacheLayout.fromEnvironment(env), env);
    } catch (CacheLayout.NoCacheDirException e) {
      // No cache directory, so no configuration file: the environment's settings alone.
      config = Config.load(new CacheLayout(Path.of("/")), env, Config.FileSettings.NONE);
    }
    CompilerLocator.Located located;
    try {
      located =
          new CompilerLocator(launcher.selves())
              .locate(argv.get(0), invokedAs, env, cwd, config.get(ConfigKey.PATH));
    } catch (CompilerLocator.NotFoundException e) {
      return error(env, e.getMessage());
    }
    List<String> cmd = new ArrayList<>();
    cmd.addAll(config.prefixCommand());
    cmd.add(located.compiler().toString());
    cmd.addAll(argv.subList(1, argv.size()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).inheritIO();
    pb.environment().clear();
    pb.environment().putAll(CompilerLocator.compilerEnvironment(env, located));
    try {
      Process p = pb.start();
      Thread stopper = new Thread(() -> stop(p), "distcache-stop-compiler");
      Runtime.getRuntime().addShutdownHook(stopper);
      int code = p.waitFor();
      try {
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException e) {
        // Shutting down already: the hook finds the compiler finished.
      }
      return code;
    } catch (IOException e) {
      return error(env, "cannot run " + cmd.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /**
   * Stops the compiler and what it started (cpp, cc1, as) when this JVM is stopped before it
   * (SIGINT, SIGTERM, SIGHUP): a Ctrl-C in a terminal reaches them too, a signal sent to this
   * process alone (by make, by a test) would not. TERM first, KILL to what is left after 2 s.
   */
  private static void stop(Process p) {
    if (!p.isAlive()) {
      return;
    }
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(p.toHandle());
    p.descendants().forEach(tree::add);
    tree.forEach(ProcessHandle::destroy);
    try {
      p.waitFor(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle h : tree) {
      h.descendants().forEach(ProcessHandle::destroyForcibly);
      h.destroyForcibly();
    }
  }

  private static int error(Map<String, String> env, String message) {
    Notes.write(env, "distcache: error: " + message);
    return 1;
  }
}
