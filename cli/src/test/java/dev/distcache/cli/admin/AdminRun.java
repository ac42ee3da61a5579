package dev.distcache.cli.admin;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** The result of one {@link AdminMain#run} in a test: the exit code and everything printed. */
record AdminRun(int exitCode, String out, String err) {
  static AdminRun run(FakeChannel channel, Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AdminMain.run(args, env, channel, new PrintWriter(out), new PrintWriter(err));
    return new AdminRun(code, out.toString(), err.toString());
  }

  /** Runs with only {@code DISTCACHE_DIR} set, so no real configuration or server is touched. */
  static AdminRun run(FakeChannel channel, Path cacheDir, String... args) {
    return run(channel, Map.of("DISTCACHE_DIR", cacheDir.toString()), args);
  }
}
