package dev.distcache.cache.remote;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a Redis is and how to log in, read from a {@code remote_storage} URL as ccache spells it:
 *
 * <ul>
 *   <li>{@code redis://[[USER:]PASSWORD@]HOST[:PORT][/DB]}: port 6379 and database 0 by default, an
 *       empty host is {@code localhost}, an IPv6 address goes in brackets;
 *   <li>{@code redis+unix:/PATH}, {@code redis+unix:///PATH} or {@code
 *       redis+unix://[[USER:]PASSWORD@][localhost]/PATH}, with {@code ?db=N} for the database.
 * </ul>
 *
 * <p>The user information is {@code USER:PASSWORD} (an ACL user) or {@code PASSWORD} alone (the
 * default user's {@code AUTH PASSWORD}); {@code :PASSWORD} is read as a password alone too (ccache
 * ignores it, which is never what was meant). User, password and socket path are percent-decoded,
 * so they may hold {@code @}, {@code :} or {@code /} written as {@code %40}, {@code %3A}, {@code
 * %2F}. {@link #toString()} never shows the password.
 */
final class RedisUrl {
  static final int DEFAULT_PORT = 6379;

  private final String host;
  private final int port;
  private final Path socket;
  private final int database;
  private final String user;
  private final String password;

  private RedisUrl(String host, int port, Path socket, int database, String user, String password) {
    this.host = host;
    this.port = port;
    this.socket = socket;
    this.database = database;
    this.user = user;
    this.password = password;
  }

  /** The host of a TCP URL; null for a Unix socket. */
  String host() {
    return host;
  }

  /** The port of a TCP URL; 0 for a Unix socket. */
  int port() {
    return port;
  }

  /** The socket of a {@code redis+unix:} URL; null for TCP. */
  Path socket() {
    return socket;
  }

  int database() {
    return database;
  }

  /** The ACL user, or null for the default user. */
  String user() {
    return user;
  }

  /** The password, or null when there is none (no AUTH). */
  String password() {
    return password;
  }

  /**
   * Reads {@code url}.
   *
   * @throws IllegalArgumentException naming the URL (its password hidden) and what is wrong
   */
  static RedisUrl parse(String url) {
    int colon = url.indexOf(':');
    String scheme = colon < 0 ? "" : url.substring(0, colon).toLowerCase(Locale.ROOT);
    String rest = url.substring(colon + 1);
    return switch (scheme) {
      case "redis" -> parseTcp(url, rest);
      case "redis+unix" -> parseUnix(url, rest);
      default -> throw bad(url, "is not a redis:// or redis+unix: URL");
    };
  }

  private static RedisUrl parseTcp(String url, String rest) {
    if (!rest.startsWith("//")) {
      throw bad(url, "has no //HOST (expected redis://[[USER:]PASSWORD@]HOST[:PORT][/DB])");
    }
    rest = rest.substring(2);
    if (rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) {
      throw bad(url, "has a ? or # part; a redis:// URL names its database as /DB");
    }
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash);
    int at = authority.lastIndexOf('@');
    String[] credentials = credentials(url, at < 0 ? null : authority.substring(0, at));
    String hostPort = authority.substring(at + 1);

    String host;
    String portText = null;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        throw bad(url, "has an IPv6 address without its closing ]");
      }
      host = hostPort.substring(1, close);
      String after = hostPort.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw bad(url, "has \"" + after + "\" after its IPv6 address");
        }
        portText = after.substring(1);
      }
    } else {
      int c = hostPort.indexOf(':');
      host = c < 0 ? hostPort : hostPort.substring(0, c);
      portText = c < 0 ? null : hostPort.substring(c + 1);
      if (host.indexOf(':') >= 0 || (portText != null && portText.indexOf(':') >= 0)) {
        throw bad(url, "has more than one : in HOST:PORT (an IPv6 address goes in [ ])");
      }
    }
    if (host.isEmpty()) {
      host = "localhost"; // as ccache
    }
    int port = DEFAULT_PORT;
    if (portText != null) {
      port = number(url, portText, "port", 1, 65535);
    }
    int database = 0;
    if (path.length() > 1) {
      database = number(url, path.substring(1), "database number", 0, Integer.MAX_VALUE);
    }
    return new RedisUrl(host, port, null, database, credentials[0], credentials[1]);
  }

  private static RedisUrl parseUnix(String url, String rest) {
    if (rest.indexOf('#') >= 0) {
      throw bad(url, "has a # part");
    }
    int question = rest.indexOf('?');
    String query = question < 0 ? null : rest.substring(question + 1);
    rest = question < 0 ? rest : rest.substring(0, question);
    String[] credentials = {null, null};
    String path = rest;
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      String authority = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
      path = slash < 0 ? "" : rest.substring(slash);
      int at = authority.lastIndexOf('@');
      credentials = credentials(url, at < 0 ? null : authority.substring(0, at));
      String host = authority.substring(at + 1);
      if (!host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
        throw bad(url, "names host \"" + host + "\"; a Unix socket is on this machine");
      }
    }
    path = decode(url, path, "socket path");
    if (!path.startsWith("/") || path.length() < 2) {
      throw bad(url, "has no absolute socket path (expected redis+unix:/PATH/TO/SOCKET)");
    }
    int database = 0;
    if (query != null && !query.isEmpty()) {
      for (String param : query.split("&", -1)) {
        if (param.startsWith("db=")) {
          database = number(url, param.substring(3), "database number", 0, Integer.MAX_VALUE);
        } else {
          throw bad(url, "has query parameter \"" + param + "\"; only db=N is known");
        }
      }
    }
    return new RedisUrl(null, 0, Path.of(path), database, credentials[0], credentials[1]);
  }

  /** {user, password} from the part before {@code @}, each null when absent. */
  private static String[] credentials(String url, String userInfo) {
    if (userInfo == null || userInfo.isEmpty()) {
      return new String[] {null, null};
    }
    int c = userInfo.indexOf(':');
    if (c < 0) {
      return new String[] {null, decode(url, userInfo, "password")};
    }
    String user = decode(url, userInfo.substring(0, c), "user");
    String password = decode(url, userInfo.substring(c + 1), "password");
    return new String[] {user.isEmpty() ? null : user, password};
  }

  private static int number(String url, String text, String what, int min, int max) {
    try {
      if (text.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
        int n = Integer.parseInt(text);
        if (n >= min && n <= max) {
          return n;
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(url, "has " + what + " \"" + text + "\", not a number from " + min + " to " + max);
  }

  private static String decode(String url, String text, String what) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw bad(url, "has a bad % escape in its " + what);
    }
  }

  private static IllegalArgumentException bad(String url, String what) {
    return new IllegalArgumentException("remote storage URL " + redact(url) + " " + what);
  }

  /** {@code url} with the password of its user information replaced by {@code ***}. */
  static String redact(String url) {
    return new RemoteSpec(url, java.util.Map.of(), java.util.List.of()).redactedUrl();
  }

  @Override
  public String toString() {
    String auth = password == null ? "" : (user == null ? "" : user + ":") + "***@";
    return socket != null
        ? "redis+unix://" + auth + socket + (database == 0 ? "" : "?db=" + database)
        : "redis://" + auth + host + ":" + port + "/" + database;
  }
}
