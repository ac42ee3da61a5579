package dev.distcache.distribute.hosts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the host list: {@code $DISTCACHE_HOSTS}, else the {@code hosts} configuration value, else
 * distcc's places in distcc's order: {@code $DISTCC_HOSTS}, {@code $DISTCC_DIR/hosts} (where
 * DISTCC_DIR defaults to {@code ~/.distcc}), {@code /etc/distcc/hosts}. The first place that is set
 * or exists wins even if it lists no host, as in distcc; a missing file is skipped, an unreadable
 * one is an error. The environment and the system configuration directory are arguments, so tests
 * give their own.
 */
public final class HostsSource {
  /** The text of a host list and where it came from. */
  public record Found(String text, String source) {}

  private final Map<String, String> env;
  private final String configuredHosts;
  private final Path sysconfDir;

  /**
   * @param configuredHosts the {@code hosts} value of distcache's configuration file, or null
   * @param sysconfDir the directory holding {@code distcc/hosts}, normally {@code /etc}
   */
  public HostsSource(Map<String, String> env, String configuredHosts, Path sysconfDir) {
    this.env = Map.copyOf(env);
    this.configuredHosts = configuredHosts;
    this.sysconfDir = sysconfDir;
  }

  /** The places looked at, in order, for messages such as "no hosts in any of ...". */
  public List<String> places() {
    return List.of(
        "$DISTCACHE_HOSTS",
        "hosts in distcache.conf",
        "$DISTCC_HOSTS",
        distccDir().map(d -> d.resolve("hosts").toString()).orElse("$DISTCC_DIR/hosts"),
        sysconfDir.resolve("distcc/hosts").toString());
  }

  /** The first host list set or present, or empty when there is none anywhere. */
  public Optional<Found> find() throws HostsException {
    if (env.containsKey("DISTCACHE_HOSTS")) {
      return Optional.of(new Found(env.get("DISTCACHE_HOSTS"), "$DISTCACHE_HOSTS"));
    }
    if (configuredHosts != null) {
      return Optional.of(new Found(configuredHosts, "hosts in distcache.conf"));
    }
    if (env.containsKey("DISTCC_HOSTS")) {
      return Optional.of(new Found(env.get("DISTCC_HOSTS"), "$DISTCC_HOSTS"));
    }
    Optional<Path> dir = distccDir();
    if (dir.isPresent()) {
      Optional<Found> f = read(dir.get().resolve("hosts"));
      if (f.isPresent()) {
        return f;
      }
    }
    return read(sysconfDir.resolve("distcc").resolve("hosts"));
  }

  /** The parsed list; with no list anywhere, an empty one (every compile stays local). */
  public HostList load() throws HostsException {
    Optional<Found> f = find();
    if (f.isEmpty()) {
      return new HostList(
          List.of(),
          false,
          HostList.DEFAULT_LOCAL_SLOTS,
          HostList.DEFAULT_LOCAL_SLOTS_CPP,
          false,
          "no host list");
    }
    return HostsParser.parse(f.get().text(), f.get().source());
  }

  private Optional<Path> distccDir() {
    String dir = env.get("DISTCC_DIR");
    if (dir != null && !dir.isEmpty()) {
      return Optional.of(Path.of(dir));
    }
    String home = env.get("HOME");
    return home == null || home.isEmpty()
        ? Optional.empty()
        : Optional.of(Path.of(home, ".distcc"));
  }

  private static Optional<Found> read(Path file) throws HostsException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Found(Files.readString(file, StandardCharsets.UTF_8), file.toString()));
    } catch (IOException e) {
      throw new HostsException("cannot read the host list " + file + ": " + e.getMessage());
    }
  }
}
