package dev.distcache.cache.remote;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of the {@code remote_storage} setting, spelled as in ccache: a URL, then {@code
 * |attribute=value} pairs (values percent-encoded where they hold {@code %}, {@code |} or a space).
 * The URL is kept as written; each backend reads the parts it needs. Attributes every backend
 * shares: {@code read-only}, {@code shards} (the URL then holds one {@code *}, replaced by each
 * shard's name), {@code connect-timeout} and {@code operation-timeout} (milliseconds).
 *
 * @param url the URL as written (with its {@code *} when sharded)
 * @param attributes the attributes in the order written, values decoded; a repeated name keeps the
 *     last value, except {@code header}, whose values are all kept in {@link #headers()}
 * @param headers the values of every {@code header=NAME=VALUE} attribute, in order
 */
public record RemoteSpec(String url, Map<String, String> attributes, List<String> headers) {
  /** ccache's default connect timeout. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(100);

  /**
   * The default operation timeout. Shorter than ccache's 10 s: a stalled server is paid for once
   * per back-off period by one compile, and a compile's value comes in well under a second on the
   * networks a shared cache is used on.
   */
  public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofMillis(2000);

  private static final Pattern SCHEME = Pattern.compile("([a-z][a-z0-9+.-]*):.+");
  private static final Pattern SHARD = Pattern.compile("([^(),]+)(?:\\((\\d+(?:\\.\\d+)?)\\))?");

  public RemoteSpec {
    attributes = Map.copyOf(attributes);
    headers = List.copyOf(headers);
  }

  /** One shard: its name (what replaces the URL's {@code *}) and its weight. */
  public record Shard(String name, double weight) {}

  /**
   * The entries of a {@code remote_storage} value: space-separated, empty entries ignored.
   *
   * @throws IllegalArgumentException naming the entry and what is wrong with it
   */
  public static List<RemoteSpec> parseAll(String setting) {
    List<RemoteSpec> specs = new ArrayList<>();
    for (String entry : setting.trim().split("\\s+")) {
      if (!entry.isEmpty()) {
        specs.add(parse(entry));
      }
    }
    return specs;
  }

  /**
   * One entry: {@code URL|name=value|...}.
   *
   * @throws IllegalArgumentException naming the entry and what is wrong with it
   */
  public static RemoteSpec parse(String entry) {
    String[] parts = entry.split("\\|", -1);
    String url = parts[0];
    Matcher m = SCHEME.matcher(url);
    if (!m.matches()) {
      throw new IllegalArgumentException("remote storage URL \"" + url + "\" has no scheme");
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    List<String> headers = new ArrayList<>();
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i];
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "remote storage attribute \"" + part + "\" of " + url + " is not name=value");
      }
      String name = part.substring(0, eq);
      String value = decode(part.substring(eq + 1), url);
      if (name.equals("header")) {
        headers.add(value);
      }
      attributes.put(name, value);
    }
    RemoteSpec spec = new RemoteSpec(url, attributes, headers);
    spec.check();
    return spec;
  }

  /** The URL's scheme, lower case ({@code redis}, {@code redis+unix}, {@code http}, ...). */
  public String scheme() {
    return url.substring(0, url.indexOf(':')).toLowerCase(java.util.Locale.ROOT);
  }

  /** The value of attribute {@code name}, or {@code fallback} when it is not set. */
  public String attribute(String name, String fallback) {
    return attributes.getOrDefault(name, fallback);
  }

  /** {@code read-only=true}: looked up, never written. */
  public boolean readOnly() {
    return bool("read-only", false);
  }

  public Duration connectTimeout() {
    return millis("connect-timeout", DEFAULT_CONNECT_TIMEOUT);
  }

  public Duration operationTimeout() {
    return millis("operation-timeout", DEFAULT_OPERATION_TIMEOUT);
  }

  /** The shards, in the order written; empty when the entry is not sharded. */
  public List<Shard> shards() {
    String value = attributes.get("shards");
    if (value == null) {
      return List.of();
    }
    List<Shard> shards = new ArrayList<>();
    for (String s : value.split(",", -1)) {
      Matcher m = SHARD.matcher(s.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "shard \"" + s + "\" of " + url + " is not NAME or NAME(WEIGHT)");
      }
      double weight = m.group(2) == null ? 1.0 : Double.parseDouble(m.group(2));
      if (weight <= 0) {
        throw new IllegalArgumentException("shard \"" + s + "\" of " + url + " has no weight");
      }
      shards.add(new Shard(m.group(1), weight));
    }
    return shards;
  }

  /** This entry for one shard: {@code *} in the URL replaced by its name, no shards attribute. */
  public RemoteSpec forShard(Shard shard) {
    Map<String, String> rest = new LinkedHashMap<>(attributes);
    rest.remove("shards");
    return new RemoteSpec(url.replace("*", shard.name()), rest, headers);
  }

  /** The URL with any password replaced by {@code ***}, for logs and {@code -s}. */
  public String redactedUrl() {
    return url.replaceFirst("^([a-zA-Z+]+://)([^/@]*:)?[^/@]*@", "$1$2***@")
        .replaceFirst("^([a-zA-Z+]+://)\\*\\*\\*@", "$1***@");
  }

  private void check() {
    bool("read-only", false);
    connectTimeout();
    operationTimeout();
    List<Shard> shards = shards();
    boolean star = url.contains("*");
    if (!shards.isEmpty() && !star) {
      throw new IllegalArgumentException(
          "remote storage URL " + url + " has shards but no * for their names");
    }
    if (shards.isEmpty() && star) {
      throw new IllegalArgumentException(
          "remote storage URL " + url + " has a * but no shards attribute");
    }
  }

  private boolean bool(String name, boolean fallback) {
    String v = attributes.get(name);
    if (v == null) {
      return fallback;
    }
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "remote storage attribute "
                  + name
                  + "="
                  + v
                  + " of "
                  + url
                  + " is not true or false");
    };
  }

  private Duration millis(String name, Duration fallback) {
    String v = attributes.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      long ms = Long.parseLong(v);
      if (ms > 0) {
        return Duration.ofMillis(ms);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "remote storage attribute "
            + name
            + "="
            + v
            + " of "
            + url
            + " is not a positive number of milliseconds");
  }

  private static String decode(String value, String url) {
    try {
      return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "remote storage attribute value \"" + value + "\" of " + url + " has a bad % escape");
    }
  }
}
