package dev.distcache.distribute.client;

import dev.distcache.distribute.hosts.HostSpec;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * An ssh host's connection, as distcc makes it: {@code $DISTCC_SSH [-l USER] HOST COMMAND --inetd
 * --enable-tcp-insecure}, run directly (no shell), its stdin and stdout carrying one job. ssh's
 * stderr is kept (its first 4 KiB) for error messages. Closing ends ssh and whatever it started
 * here; closing twice is harmless.
 *
 * <p>Threads: one platform thread per tunnel drains stderr until ssh closes it (a virtual thread
 * blocked in a pipe read would hold its carrier for as long as the host takes).
 */
final class SshTunnel implements Closeable {
  /** ssh's own exit code for a failure to connect or authenticate. */
  static final int SSH_FAILED = 255;

  private static final int STDERR_KEPT = 4096;

  private final Process process;
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private final Thread drain;

  private SshTunnel(Process process) {
    this.process = process;
    this.drain = Thread.ofPlatform().daemon().name("ssh-stderr").start(this::drainStderr);
  }

  /**
   * distcc's ssh command line: {@code distccSsh} split at spaces (distcc allows options there),
   * {@code ssh} when it is unset or blank, then the host's user, name and command.
   */
  static List<String> command(String distccSsh, HostSpec.Ssh host) {
    List<String> cmd = new ArrayList<>();
    if (distccSsh != null) {
      for (String word : distccSsh.split(" ")) {
        if (!word.isEmpty()) {
          cmd.add(word);
        }
      }
    }
    if (cmd.isEmpty()) {
      cmd.add("ssh");
    }
    if (!host.user().isEmpty()) {
      cmd.add("-l");
      cmd.add(host.user());
    }
    cmd.add(host.host());
    cmd.add(host.command().isEmpty() ? "distccd" : host.command());
    cmd.add("--inetd");
    cmd.add("--enable-tcp-insecure");
    return cmd;
  }

  /** Starts {@code command}; fails when it cannot be run at all (no such program). */
  static SshTunnel start(List<String> command) throws IOException {
    return new SshTunnel(new ProcessBuilder(command).start());
  }

  /** The remote daemon's stdin. */
  OutputStream toHost() {
    return process.getOutputStream();
  }

  /** The remote daemon's stdout. */
  InputStream fromHost() {
    return process.getInputStream();
  }

  /** ssh's exit code when it ends within {@code millis}; empty while it still runs. */
  OptionalInt exitCode(long millis) {
    try {
      return process.waitFor(millis, TimeUnit.MILLISECONDS)
          ? OptionalInt.of(process.exitValue())
          : OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    }
  }

  /** What ssh wrote on stderr so far, on one line; empty for nothing. */
  String stderr() {
    try {
      drain.join(TimeUnit.SECONDS.toMillis(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (stderr) {
      return stderr.toString(StandardCharsets.UTF_8).strip().replaceAll("\\s*\n\\s*", "; ");
    }
  }

  private void drainStderr() {
    byte[] buf = new byte[1024];
    try (InputStream err = process.getErrorStream()) {
      for (int n; (n = err.read(buf)) >= 0; ) {
        synchronized (stderr) {
          stderr.write(buf, 0, Math.max(0, Math.min(n, STDERR_KEPT - stderr.size())));
        }
      }
    } catch (IOException e) {
      // ssh went away; what was read is all there is
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // the process is gone; nothing left to flush
    }
  }
}
