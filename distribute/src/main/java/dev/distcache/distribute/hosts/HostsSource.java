package dev.distcache.distribute.hosts;

import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the host list, in this order:
 *
 * <ol>
 *   <li>{@code $DISTCACHE_HOSTS};
 *   <li>the {@code hosts} configuration value;
 *   <li>distcache's own file, {@code hosts} in the cache directory ({@code $DISTCACHE_DIR/hosts},
 *       by default {@code ~/.cache/distcache/hosts}), which {@code distcache hosts --set} writes:
 *       it serves every user of that cache directory, so a shared cache (Portage's) shares its
 *       hosts;
 *   <li>the system's, {@code /etc/distcache/hosts}, which the administrator writes for every user;
 *   <li>distcc's places in distcc's order: {@code $DISTCC_HOSTS}, {@code $DISTCC_DIR/hosts} (where
 *       DISTCC_DIR defaults to {@code ~/.distcc}), {@code /etc/distcc/hosts}, so a machine set up
 *       for distcc needs nothing more.
 * </ol>
 *
 * The first place that is set or exists wins even if it lists no host, as in distcc; a missing file
 * is skipped, an unreadable one is an error. Files are read again on every {@link #find}, so a
 * changed file takes effect at the next compile, as a changed {@code /etc/distcc/hosts} does. The
 * environment and the system configuration directory are arguments, so tests give their own.
 */
public final class HostsSource {
  /** The text of a host list and where it came from. */
  public record Found(String text, String source) {}

  private final Map<String, String> env;
  private final String configuredHosts;
  private final Path ownFile;
  private final Path sysconfDir;

  /**
   * Without distcache's own file in a cache directory.
   *
   * @param configuredHosts the {@code hosts} value of distcache's configuration file, or null
   * @param sysconfDir the directory holding {@code distcache/hosts} and {@code distcc/hosts},
   *     normally {@code /etc}
   */
  public HostsSource(Map<String, String> env, String configuredHosts, Path sysconfDir) {
    this(env, configuredHosts, null, sysconfDir);
  }

  /**
   * @param configuredHosts the {@code hosts} value of distcache's configuration file, or null
   * @param ownFile distcache's own hosts file (the cache directory's), or null for none
   * @param sysconfDir the directory holding {@code distcache/hosts} and {@code distcc/hosts},
   *     normally {@code /etc}
   */
  public HostsSource(
      Map<String, String> env, String configuredHosts, Path ownFile, Path sysconfDir) {
    this.env = Map.copyOf(env);
    this.configuredHosts = configuredHosts;
    this.ownFile = ownFile;
    this.sysconfDir = sysconfDir;
  }

  /**
   * The places a request sees: its environment, the {@code hosts} value and the hosts file of its
   * configuration's cache directory.
   */
  public static HostsSource of(Map<String, String> env, Config config, Path sysconfDir) {
    String configured = config.get(ConfigKey.HOSTS);
    return new HostsSource(
        env,
        configured == null || configured.isEmpty() ? null : configured,
        config.layout().hostsFile(),
        sysconfDir);
  }

  /** The places looked at, in order, for messages such as "no hosts in any of ...". */
  public List<String> places() {
    List<String> places = new ArrayList<>(List.of("$DISTCACHE_HOSTS", "hosts in distcache.conf"));
    if (ownFile != null) {
      places.add(ownFile.toString());
    }
    places.add(systemFile().toString());
    places.add("$DISTCC_HOSTS");
    places.add(distccDir().map(d -> d.resolve("hosts").toString()).orElse("$DISTCC_DIR/hosts"));
    places.add(sysconfDir.resolve("distcc/hosts").toString());
    return places;
  }

  /** The first host list set or present, or empty when there is none anywhere. */
  public Optional<Found> find() throws HostsException {
    if (env.containsKey("DISTCACHE_HOSTS")) {
      return Optional.of(new Found(env.get("DISTCACHE_HOSTS"), "$DISTCACHE_HOSTS"));
    }
    if (configuredHosts != null) {
      return Optional.of(new Found(configuredHosts, "hosts in distcache.conf"));
    }
    if (ownFile != null) {
      Optional<Found> f = read(ownFile);
      if (f.isPresent()) {
        return f;
      }
    }
    Optional<Found> system = read(systemFile());
    if (system.isPresent()) {
      return system;
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

  private Path systemFile() {
    return sysconfDir.resolve("distcache").resolve("hosts");
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
      throw new HostsException(
          "cannot read the host list " + file + ": " + e.getMessage() + "; fix or remove it");
    }
  }
}
