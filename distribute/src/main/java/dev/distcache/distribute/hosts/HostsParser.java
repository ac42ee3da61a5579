package dev.distcache.distribute.hosts;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses a host list in distcc's grammar (distcc 3.4, hosts.c): entries separated by whitespace,
 * {@code #} to the end of the line a comment.
 *
 * <pre>
 *   localhost[/LIMIT]
 *   HOST[:PORT][/LIMIT][,OPTION...]      HOST[/LIMIT][:PORT][,OPTION...]      HOST = name | [IPv6]
 *   [USER]@HOST[/LIMIT][:COMMAND][,OPTION...]
 *   OPTION = lzo | cpp | down | auth[=NAME] | distcache | tls      (tls: distcache over TLS)
 *   --randomize   --localslots=N   --localslots_cpp=N   +zeroconf
 * </pre>
 *
 * <p>Stricter than distcc where distcc silently ignores text: it ignores what follows a known
 * option name ({@code ,lzofoo}), a limit's trailing characters ({@code /4x}) and a second limit; it
 * takes {@code host:} as port 0. Here each of those is an error that names the entry and where the
 * problem is, as {@code SOURCE:LINE:COLUMN} (1-based, the column of the first character that is
 * wrong), as compilers name a position.
 */
public final class HostsParser {
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
  private static final Pattern IPV6 =
      Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9._-]+)?");
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._-]*");

  private final String source;
  private String text = "";
  private String entry;
  private int entryStart;
  private int pos;

  private HostsParser(String source) {
    this.source = source;
  }

  /**
   * Parses {@code text}.
   *
   * @param source where the text came from, for messages ({@code $DISTCC_HOSTS}, a file name)
   * @throws HostsException naming the first bad entry and what is wrong with it
   */
  public static HostList parse(String text, String source) throws HostsException {
    return new HostsParser(source).list(text);
  }

  private HostList list(String text) throws HostsException {
    List<HostSpec> hosts = new ArrayList<>();
    boolean randomize = false;
    boolean zeroconf = false;
    int localSlots = HostList.DEFAULT_LOCAL_SLOTS;
    int localSlotsCpp = HostList.DEFAULT_LOCAL_SLOTS_CPP;
    this.text = text;
    for (int start : wordStarts(text)) {
      String word = wordAt(text, start);
      entry = word;
      entryStart = start;
      pos = 0;
      if (word.equals("--randomize")) {
        randomize = true;
      } else if (word.startsWith("--localslots_cpp")) {
        localSlotsCpp = globalCount("--localslots_cpp");
      } else if (word.startsWith("--localslots")) {
        localSlots = globalCount("--localslots");
      } else if (word.equals("+zeroconf")) {
        zeroconf = true;
      } else if (word.startsWith("-") || word.startsWith("+")) {
        throw bad(
            "unknown global option (distcc knows --randomize, --localslots=N, --localslots_cpp=N, +zeroconf)");
      } else {
        hosts.add(host());
      }
    }
    return new HostList(hosts, randomize, localSlots, localSlotsCpp, zeroconf, source);
  }

  /**
   * Where the whitespace-separated words start; {@code #} ends a word and starts a comment to the
   * end of the line.
   */
  private static List<Integer> wordStarts(String text) {
    List<Integer> words = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '#') {
        while (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
          i++;
        }
      } else if (Character.isWhitespace(c)) {
        i++;
      } else {
        int start = i;
        while (i < text.length()
            && !Character.isWhitespace(text.charAt(i))
            && text.charAt(i) != '#') {
          i++;
        }
        words.add(start);
      }
    }
    return words;
  }

  private static String wordAt(String text, int start) {
    int i = start;
    while (i < text.length() && !Character.isWhitespace(text.charAt(i)) && text.charAt(i) != '#') {
      i++;
    }
    return text.substring(start, i);
  }

  private int globalCount(String name) throws HostsException {
    pos = name.length();
    if (!at('=') && !at('/')) {
      throw bad(name + " needs a count, as in " + name + "=4");
    }
    pos++;
    int n = number("count");
    end();
    return n;
  }

  private HostSpec host() throws HostsException {
    if (entry.equals("localhost") || entry.startsWith("localhost/")) {
      pos = "localhost".length();
      int limit = limitOr(HostSpec.DEFAULT_LOCAL_LIMIT);
      if (pos < entry.length()) {
        throw bad("localhost takes only a limit, as in localhost/2");
      }
      return new HostSpec.Local(limit);
    }
    int at = entry.indexOf('@');
    return at >= 0 ? ssh(at) : tcp();
  }

  private HostSpec ssh(int at) throws HostsException {
    String user = entry.substring(0, at);
    if (!USER.matcher(user).matches()) {
      throw bad("\"" + user + "\" is not a user name");
    }
    pos = at + 1;
    String host = hostName();
    int limit = limitOr(HostSpec.DEFAULT_REMOTE_LIMIT);
    String command = "";
    if (at(':')) {
      pos++;
      command = upTo(",");
      if (command.isEmpty()) {
        throw bad("the ssh command after ':' is empty");
      }
    }
    return new HostSpec.Ssh(user, host, limit, command, options());
  }

  private HostSpec tcp() throws HostsException {
    String host;
    if (at('[')) {
      int close = entry.indexOf(']', pos);
      if (close < 0) {
        throw bad("an IPv6 address needs its closing ']'");
      }
      host = entry.substring(pos + 1, close);
      if (!IPV6.matcher(host).matches()) {
        throw bad("\"" + host + "\" is not an IPv6 address");
      }
      pos = close + 1;
    } else {
      host = hostName();
    }
    int limit = limitOr(0);
    int port = HostSpec.DEFAULT_PORT;
    if (at(':')) {
      pos++;
      int start = pos;
      port = number("port");
      if (port > 65535) {
        pos = start;
        throw bad("port " + port + " is not from 1 to 65535");
      }
    }
    if (at('/')) {
      if (limit != 0) {
        throw bad("the limit is given twice");
      }
      limit = limitOr(0);
    }
    return new HostSpec.Tcp(
        host, port, limit == 0 ? HostSpec.DEFAULT_REMOTE_LIMIT : limit, options());
  }

  /** The host name at the position, up to its port, limit or options. */
  private String hostName() throws HostsException {
    int start = pos;
    String name = upTo("/:,");
    if (name.isEmpty() || !HOST_NAME.matcher(name).matches()) {
      pos = start;
    }
    if (name.isEmpty()) {
      throw bad("a host name is required");
    }
    if (!HOST_NAME.matcher(name).matches()) {
      throw bad("\"" + name + "\" is not a host name");
    }
    return name;
  }

  /** {@code /N} if present, else {@code otherwise}. */
  private int limitOr(int otherwise) throws HostsException {
    if (!at('/')) {
      return otherwise;
    }
    pos++;
    return number("limit");
  }

  private HostOptions options() throws HostsException {
    boolean lzo = false;
    boolean cpp = false;
    boolean down = false;
    boolean auth = false;
    String authName = "";
    boolean distcache = false;
    boolean tls = false;
    int first = pos;
    while (at(',')) {
      pos++;
      int start = pos;
      String option = upTo(",");
      switch (option) {
        case "lzo" -> lzo = true;
        case "cpp" -> cpp = true;
        case "down" -> down = true;
        case "auth" -> auth = true;
        case "distcache" -> distcache = true;
        case "tls" -> {
          tls = true;
          distcache = true;
        }
        default -> {
          if (option.startsWith("auth=") && option.length() > 5) {
            auth = true;
            authName = option.substring(5);
          } else {
            pos = start;
            throw bad(
                "unknown option \""
                    + option
                    + "\" (known: lzo, cpp, down, auth[=NAME], distcache, tls)");
          }
        }
      }
    }
    end();
    try {
      return new HostOptions(lzo, cpp, down, auth, authName, distcache, tls);
    } catch (IllegalArgumentException e) {
      pos = first;
      throw bad(e.getMessage());
    }
  }

  private int number(String what) throws HostsException {
    int start = pos;
    while (digitAt(pos) && pos - start < 9) {
      pos++;
    }
    if (pos == start || digitAt(pos)) {
      pos = start;
      throw bad("the " + what + " must be a number from 1 up");
    }
    int n = Integer.parseInt(entry.substring(start, pos));
    if (n < 1) {
      pos = start;
      throw bad("the " + what + " must be a number from 1 up");
    }
    return n;
  }

  private boolean digitAt(int i) {
    return i < entry.length() && entry.charAt(i) >= '0' && entry.charAt(i) <= '9';
  }

  private String upTo(String stops) {
    int start = pos;
    while (pos < entry.length() && stops.indexOf(entry.charAt(pos)) < 0) {
      pos++;
    }
    return entry.substring(start, pos);
  }

  private boolean at(char c) {
    return pos < entry.length() && entry.charAt(pos) == c;
  }

  private void end() throws HostsException {
    if (pos < entry.length()) {
      throw bad("unexpected \"" + entry.substring(pos) + "\"");
    }
  }

  private HostsException bad(String why) {
    int at = entryStart + Math.min(pos, Math.max(0, entry.length() - 1));
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < at; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new HostsException(
        source
            + ":"
            + line
            + ":"
            + (at - lineStart + 1)
            + ": bad host entry \""
            + entry
            + "\": "
            + why);
  }
}
