package dev.distcache.core.wire;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client asks of the local server: a compile (argv as the compiler would get it) or an
 * administration command (argv is the command's words), with the client's working directory,
 * environment, umask and terminal state, so that the server can act exactly as the client would.
 *
 * @param invokedAs for a masquerade compile, the path distcache was run as (for example {@code
 *     /usr/lib/distcache/bin/gcc}), so the real compiler is searched for after it; empty in prefix
 *     mode and for administration
 * @param ttys bit 0: the client's stdout is a terminal; bit 1: its stderr is
 */
public record Request(
    Mode mode,
    String cwd,
    int umask,
    int ttys,
    String invokedAs,
    List<String> argv,
    Map<String, String> env) {

  public static final int VERSION = 1;
  public static final int STDOUT_TTY = 1;
  public static final int STDERR_TTY = 2;

  /** Limits a server applies to what it reads; generous for real builds, bounded for bad peers. */
  public static final long MAX_STRING = 1 << 20;

  public static final long MAX_COUNT = 1 << 16;

  public enum Mode {
    COMPILE(1),
    ADMIN(2);

    final int code;

    Mode(int code) {
      this.code = code;
    }

    static Mode of(long code) throws ProtocolException {
      for (Mode m : values()) {
        if (m.code == code) {
          return m;
        }
      }
      throw new ProtocolException("unknown request mode " + code);
    }
  }

  public Request {
    argv = List.copyOf(argv);
    env = Map.copyOf(env);
  }

  public boolean stderrIsTty() {
    return (ttys & STDERR_TTY) != 0;
  }

  public void writeTo(DataOutputStream out) throws IOException {
    Frames.write(out, "DCS1", VERSION);
    Frames.write(out, "MODE", mode.code);
    Frames.write(out, "CWD ", cwd);
    Frames.write(out, "UMSK", umask);
    Frames.write(out, "TTYS", ttys);
    Frames.write(out, "INVK", invokedAs);
    Frames.write(out, "ARGC", argv.size());
    for (String a : argv) {
      Frames.write(out, "ARGV", a);
    }
    Frames.write(out, "ENVC", env.size());
    for (Map.Entry<String, String> e : env.entrySet()) {
      Frames.write(out, "ENVV", e.getKey() + "=" + e.getValue());
    }
    Frames.write(out, "END ", 0);
    out.flush();
  }

  public static Request readFrom(DataInputStream in) throws IOException {
    long version = Frames.expect(in, "DCS1").value();
    if (version != VERSION) {
      throw new ProtocolException(
          "client speaks protocol version " + version + ", server " + VERSION);
    }
    Mode mode = Mode.of(Frames.expect(in, "MODE").value());
    String cwd = Frames.readString(in, Frames.expect(in, "CWD "), MAX_STRING);
    int umask = (int) Frames.expect(in, "UMSK").value();
    int ttys = (int) Frames.expect(in, "TTYS").value();
    String invokedAs = Frames.readString(in, Frames.expect(in, "INVK"), MAX_STRING);
    long argc = count(Frames.expect(in, "ARGC"));
    List<String> argv = new ArrayList<>();
    for (long i = 0; i < argc; i++) {
      argv.add(Frames.readString(in, Frames.expect(in, "ARGV"), MAX_STRING));
    }
    long envc = count(Frames.expect(in, "ENVC"));
    Map<String, String> env = new LinkedHashMap<>();
    for (long i = 0; i < envc; i++) {
      String kv = Frames.readString(in, Frames.expect(in, "ENVV"), MAX_STRING);
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new ProtocolException("environment entry without a name: " + kv);
      }
      env.putIfAbsent(kv.substring(0, eq), kv.substring(eq + 1));
    }
    Frames.expect(in, "END ");
    return new Request(mode, cwd, umask, ttys, invokedAs, argv, env);
  }

  private static long count(Frames.Header h) throws ProtocolException {
    if (h.value() > MAX_COUNT) {
      throw new ProtocolException(h.tag() + " " + h.value() + " is over the limit of " + MAX_COUNT);
    }
    return h.value();
  }
}
