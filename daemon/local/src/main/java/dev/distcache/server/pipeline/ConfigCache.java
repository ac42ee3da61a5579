package dev.distcache.server.pipeline;

import dev.distcache.core.CacheLayout;
import dev.distcache.core.config.Config;
import java.util.HashMap;
import java.util.Map;

/**
 * The configuration of the last request, reused by the next one whose file settings are the same
 * parsed version ({@link ConfigFileCache} hands out one object per version) and whose {@code
 * DISTCACHE_} variables are equal: {@link Config#load} reads nothing else of the environment, and a
 * {@link Config} is immutable. Loading it costs a warm hit tens of microseconds; the comparison, a
 * pass over the environment. Thread-safe.
 */
final class ConfigCache {
  /** Every variable {@link Config#load} reads, or notes, starts with this. */
  static final String PREFIX = "DISTCACHE_";

  private record Loaded(Config.FileSettings file, Map<String, String> variables, Config config) {}

  private final CacheLayout layout;
  private volatile Loaded last;

  ConfigCache(CacheLayout layout) {
    this.layout = layout;
  }

  Config load(Map<String, String> env, Config.FileSettings file) {
    Map<String, String> variables = new HashMap<>();
    // By key: the request's immutable map makes an entry object per entry for entrySet().
    for (String name : env.keySet()) {
      if (name.startsWith(PREFIX)) {
        variables.put(name, env.get(name));
      }
    }
    Loaded l = last;
    if (l != null && l.file() == file && l.variables().equals(variables)) {
      return l.config();
    }
    Config config = Config.load(layout, env, file);
    last = new Loaded(file, variables, config);
    return config;
  }
}
