package dev.distcache.cache.remote;

import dev.distcache.core.tls.TlsContexts;
import dev.distcache.core.tls.TlsFileException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * What an {@code http://} or {@code https://} entry of {@code remote_storage} says, checked before
 * anything is sent: where values live ({@link #base()}, without the credentials, and the {@link
 * #layout()}), the headers every request carries (credentials from the URL's {@code USER:PASSWORD@}
 * as HTTP basic authentication, {@code bearer-token=}, each {@code header=NAME=VALUE}) and the
 * timeouts. Kept apart from {@link HttpBackend} so that every mistake in an entry is found, with a
 * message, when the backend is made.
 *
 * @param base the URL without user info, query or fragment; its path ends with {@code /}
 * @param layout where a key lives under {@code base}
 * @param headers the headers of every request, {@code Authorization} included when configured
 * @param keepAlive the {@code keep-alive} attribute; see {@link HttpBackend} for what it does
 * @param connectTimeout the time to open a connection
 * @param operationTimeout the time one request may take, from sending to the last byte read
 * @param name the URL with any password hidden, for messages
 * @param tls for {@code https://}: the context {@code tls-ca}, {@code tls-cert} and {@code tls-key}
 *     make (the JDK's own trust and no client certificate when none is given), else null
 */
record HttpSettings(
    URI base,
    HttpLayout layout,
    List<Header> headers,
    boolean keepAlive,
    Duration connectTimeout,
    Duration operationTimeout,
    String name,
    SSLContext tls) {

  HttpSettings {
    headers = List.copyOf(headers);
  }

  /** One header sent with every request. */
  record Header(String name, String value) {}

  /**
   * The settings of {@code spec}.
   *
   * @throws IllegalArgumentException naming the entry (its password hidden) and what is wrong
   */
  static HttpSettings of(RemoteSpec spec) {
    String name = spec.redactedUrl();
    URI uri;
    try {
      uri = new URI(spec.url());
    } catch (URISyntaxException e) {
      // the reason only: the exception's message repeats the URL, password and all
      throw new IllegalArgumentException(
          "remote storage URL " + name + " is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "remote storage URL " + name + " is not an http:// or https:// URL");
    }
    if (uri.isOpaque() || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "remote storage URL " + name + " has no host (http://HOST[:PORT][/PATH])");
    }
    if (uri.getPort() > 65535) {
      throw new IllegalArgumentException(
          "remote storage URL " + name + " has port " + uri.getPort() + ", above 65535");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "remote storage URL " + name + " has a query or fragment; only a path is allowed");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!path.endsWith("/")) {
      path += "/";
    }
    URI base =
        URI.create(
            scheme + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path);

    List<Header> headers = new ArrayList<>();
    Optional<String> basic = basicAuthorization(uri.getRawUserInfo(), name);
    String bearer = spec.attribute("bearer-token", null);
    if (basic.isPresent() && bearer != null) {
      throw new IllegalArgumentException(
          "remote storage URL "
              + name
              + " has both a USER:PASSWORD@ and a bearer-token; give one of them");
    }
    basic.ifPresent(b -> headers.add(new Header("Authorization", b)));
    if (bearer != null) {
      headers.add(new Header("Authorization", "Bearer " + bearer));
    }
    for (String header : spec.headers()) {
      Header h = header(header, name);
      if (h.name().equalsIgnoreCase("Authorization") && !headers.isEmpty()) {
        throw new IllegalArgumentException(
            "remote storage URL "
                + name
                + " has a header=Authorization=... besides a password or bearer-token");
      }
      headers.add(h);
    }
    checkSendable(base, headers, name);

    return new HttpSettings(
        base,
        HttpLayout.of(spec.attribute("layout", "subdirs"), name),
        headers,
        keepAlive(spec.attribute("keep-alive", "true"), name),
        spec.connectTimeout(),
        spec.operationTimeout(),
        name,
        tls(spec, scheme, name));
  }

  /**
   * The TLS context of the {@code tls-ca} (PEM CAs trusted instead of the JDK's), {@code tls-cert}
   * and {@code tls-key} (PEM: a client certificate, for a server that asks for one) attributes;
   * null when none is given.
   */
  private static SSLContext tls(RemoteSpec spec, String scheme, String name) {
    String ca = spec.attribute("tls-ca", null);
    String cert = spec.attribute("tls-cert", null);
    String key = spec.attribute("tls-key", null);
    if (ca == null && cert == null && key == null) {
      return null;
    }
    if (!scheme.equals("https")) {
      throw new IllegalArgumentException(
          "remote storage URL " + name + " has tls-ca, tls-cert or tls-key but is not https://");
    }
    try {
      return TlsContexts.client(
          ca == null ? null : Path.of(ca),
          cert == null ? null : Path.of(cert),
          key == null ? null : Path.of(key),
          new TlsContexts.Names("tls-ca", "tls-cert", "tls-key"));
    } catch (TlsFileException e) {
      throw new IllegalArgumentException("remote storage URL " + name + ": " + e.getMessage());
    }
  }

  /** The URL of {@code key}. */
  URI uri(String key) {
    return base.resolve(layout.path(key));
  }

  /** {@code Basic base64(user:password)} from raw (percent-encoded) user info, if any. */
  private static Optional<String> basicAuthorization(String rawUserInfo, String name) {
    if (rawUserInfo == null) {
      return Optional.empty();
    }
    int colon = rawUserInfo.indexOf(':');
    String user = colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon);
    String password = colon < 0 ? "" : rawUserInfo.substring(colon + 1);
    String credentials = decode(user, name) + ":" + decode(password, name);
    return Optional.of(
        "Basic "
            + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
  }

  private static String decode(String raw, String name) {
    try {
      // percent-decoding only: a + in a URL's user info is a plus sign, not a space
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "remote storage URL " + name + " has a bad % escape in its user or password");
    }
  }

  /** {@code NAME=VALUE}, the value of one {@code header} attribute. */
  private static Header header(String attribute, String name) {
    int eq = attribute.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "remote storage attribute header of "
              + name
              + " is not header=NAME=VALUE (got a value without NAME=)");
    }
    return new Header(attribute.substring(0, eq).trim(), attribute.substring(eq + 1).trim());
  }

  /** Fails now, not at the first request, for a header the JDK's client refuses to send. */
  private static void checkSendable(URI base, List<Header> headers, String name) {
    HttpRequest.Builder probe = HttpRequest.newBuilder(base);
    for (Header h : headers) {
      try {
        probe.header(h.name(), h.value());
      } catch (IllegalArgumentException e) {
        // the value may be a secret: name the header only
        throw new IllegalArgumentException(
            "remote storage URL "
                + name
                + " has a header "
                + h.name()
                + " that cannot be sent (a header HTTP sets itself, or a bad name or value)");
      }
    }
  }

  private static boolean keepAlive(String value, String name) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "remote storage attribute keep-alive="
                  + value
                  + " of "
                  + name
                  + " is not true or false");
    };
  }
}
