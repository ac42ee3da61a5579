package dev.distcache.cli.client;

import dev.distcache.core.CacheLayout;
import dev.distcache.core.compiler.CompilerLocator;
import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the real compiler in this process's place, with this process's stdin, stdout and stderr. */
final class LocalCompile {
  private LocalCompile() {}

  static int run(Launcher launcher, Map<String, String> env, Path cwd, List<String> argv, String invokedAs) {
    CompilerLocator.Located located;
    try {
      located = new CompilerLocator(launcher.selves()).locate(argv.get(0), invokedAs, env, cwd);
    } catch (CompilerLocator.NotFoundException e) {
      return error(e.getMessage());
    }
    List<String> cmd = new ArrayList<>();
    try {
      cmd.addAll(Config.load(CacheLayout.fromEnvironment(env), env).prefixCommand());
    } catch (ConfigException e) {
      // A broken configuration must not break the build: compile without a prefix.
    }
    cmd.add(located.compiler().toString());
    cmd.addAll(argv.subList(1, argv.size()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).inheritIO();
    pb.environment().clear();
    pb.environment().putAll(CompilerLocator.compilerEnvironment(env, located));
    try {
      Process p = pb.start();
      return p.waitFor();
    } catch (IOException e) {
      return error("cannot run " + cmd.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static int error(String message) {
    CompileClient.write(FileDescriptor.err, ("distcache: error: " + message + "\n").getBytes(StandardCharsets.UTF_8));
    return 1;
  }
}
