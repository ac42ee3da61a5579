package dev.distcache.distribute.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.distribute.distcc.DistccLimits;
import dev.distcache.distribute.distcc.ProtocolVersion;
import dev.distcache.distribute.hosts.HostSpec;
import dev.distcache.distribute.hosts.HostsParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How failures of the ssh command are classed; DISTCC_SSH names small shell scripts standing in for
 * ssh.
 */
class DistccClientOverSshTest {
  static final List<String> ARGV = List.of("gcc", "-c", "a.c", "-o", "a.o");

  @TempDir Path tmp;
  final DistccClient impatient =
      new DistccClient(
          new ClientSettings(Duration.ofSeconds(5), Duration.ofMillis(500), DistccLimits.DEFAULTS));

  private String ssh(String body) throws Exception {
    Path p = tmp.resolve("ssh");
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p.toString();
  }

  private static HostSpec.Ssh host(String entry) throws Exception {
    return (HostSpec.Ssh) HostsParser.parse(entry, "test").hosts().getFirst();
  }

  @Test
  void sshExiting255_isAnUnreachableHost_withSshsMessage() throws Exception {
    String ssh = ssh("echo 'ssh: connect to host box port 22: Connection refused' >&2; exit 255");
    HostUnreachableException e =
        assertThrows(
            HostUnreachableException.class,
            () ->
                impatient.compile(host("me@box"), ProtocolVersion.V1, ssh, ARGV, new byte[] {'x'}));
    assertTrue(
        e.getMessage().contains("exit 255: ssh: connect to host box port 22: Connection refused"),
        e.getMessage());
    assertEquals("me@box", e.host());
  }

  @Test
  void noSuchSshProgram_isAnUnreachableHost() throws Exception {
    HostUnreachableException e =
        assertThrows(
            HostUnreachableException.class,
            () ->
                impatient.compile(
                    host("@box"),
                    ProtocolVersion.V1,
                    tmp.resolve("no-ssh-here").toString(),
                    ARGV,
                    new byte[] {'x'}));
    assertTrue(e.getMessage().contains("cannot run " + tmp.resolve("no-ssh-here")), e.getMessage());
  }

  @Test
  void aDaemonThatClosesWithoutAnswering_isAJobFailure_notABackoff() throws Exception {
    String ssh = ssh("head -c 12 > /dev/null; echo 'distccd: refused' >&2; exit 1");
    RemoteJobException e =
        assertThrows(
            RemoteJobException.class,
            () -> impatient.compile(host("@box"), ProtocolVersion.V2, ssh, ARGV, new byte[] {'x'}));
    assertEquals(RemoteJobException.Reason.NO_ANSWER, e.reason());
    assertTrue(e.getMessage().contains("exit 1: distccd: refused"), e.getMessage());
  }

  @Test
  void ioTimeout_boundsAnSshThatNeverAnswers() throws Exception {
    String ssh = ssh("exec sleep 600");
    RemoteJobException e =
        assertThrows(
            RemoteJobException.class,
            () -> impatient.compile(host("@box"), ProtocolVersion.V1, ssh, ARGV, new byte[] {'x'}));
    assertEquals(RemoteJobException.Reason.TIMED_OUT, e.reason());
    assertTrue(e.getMessage().contains("sent nothing for 0.5 s"), e.getMessage());
  }
}
