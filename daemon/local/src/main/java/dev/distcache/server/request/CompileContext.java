package dev.distcache.server.request;

import dev.distcache.cache.stage.ResultCache;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.compiler.CompilerLocator;
import dev.distcache.core.compiler.CompilerType;
import dev.distcache.core.config.Config;
import dev.distcache.hashing.KeySettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One compile as the local server knows it once the compiler is found and identified: what direct
 * mode, the cache stage and the miss read, in one value instead of long parameter lists (the role
 * of ccache's {@code Context}). Built once per request by the pipeline; immutable.
 *
 * @param inv the classified arguments
 * @param located the real compiler and the PATH it was found on
 * @param identity the compiler's identity under {@code compiler_check}
 * @param type the compiler's type ({@code compiler_type}, or guessed from its name)
 * @param cwd the client's working directory (physical)
 * @param apparentCwd the working directory as the user reached it ({@code $PWD} when it names
 *     {@code cwd}): what the keys make paths relative to and what debug info embeds
 * @param clientEnv the client's environment (what the keys read)
 * @param env the environment the compiler runs with
 * @param extra flags the server adds to every run of the compiler (the request for colour), part of
 *     the key
 * @param cpu what {@code -march=native} would resolve to on this machine, part of the key
 * @param keySettings namespace, extra files and ignored options, part of both keys
 * @param config the configuration for this request
 * @param umask the client's umask, for the files a hit writes
 * @param startNanos when the request arrived (epoch nanoseconds): files changed after it are not
 *     trusted
 * @param stats this request's counters
 * @param log the {@code log_file}, empty for none
 * @param results this request's cache stage (read_only, limits and recache applied)
 */
public record CompileContext(
    Invocation inv,
    CompilerLocator.Located located,
    String identity,
    CompilerType type,
    Path cwd,
    Path apparentCwd,
    Map<String, String> clientEnv,
    Map<String, String> env,
    List<String> extra,
    String cpu,
    KeySettings keySettings,
    Config config,
    int umask,
    long startNanos,
    Stats stats,
    String log,
    ResultCache results) {

  /** A context whose working directory is reached without a symbolic link. */
  public CompileContext(
      Invocation inv,
      CompilerLocator.Located located,
      String identity,
      CompilerType type,
      Path cwd,
      Map<String, String> clientEnv,
      Map<String, String> env,
      List<String> extra,
      String cpu,
      KeySettings keySettings,
      Config config,
      int umask,
      long startNanos,
      Stats stats,
      String log,
      ResultCache results) {
    this(
        inv,
        located,
        identity,
        type,
        cwd,
        cwd,
        clientEnv,
        env,
        extra,
        cpu,
        keySettings,
        config,
        umask,
        startNanos,
        stats,
        log,
        results);
  }
}
