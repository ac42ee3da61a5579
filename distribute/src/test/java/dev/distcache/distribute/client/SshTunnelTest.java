package dev.distcache.distribute.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.distcache.distribute.hosts.HostSpec;
import dev.distcache.distribute.hosts.HostsParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class SshTunnelTest {
  private static HostSpec.Ssh host(String entry) throws Exception {
    return (HostSpec.Ssh) HostsParser.parse(entry, "test").hosts().getFirst();
  }

  @Test
  void command_isDistccs_userHostCommandInetdAndEnableTcpInsecure() throws Exception {
    assertEquals(
        List.of("ssh", "-l", "me", "box", "distccd", "--inetd", "--enable-tcp-insecure"),
        SshTunnel.command(null, host("me@box")));
    assertEquals(
        List.of("ssh", "box", "/opt/bin/distccd", "--inetd", "--enable-tcp-insecure"),
        SshTunnel.command("  ", host("@box/2:/opt/bin/distccd,lzo")));
  }

  @Test
  void distccSsh_isSplitAtSpaces_likeDistccDoes() throws Exception {
    assertEquals(
        List.of(
            "/usr/bin/ssh",
            "-p",
            "2222",
            "-o",
            "BatchMode=yes",
            "box",
            "distccd",
            "--inetd",
            "--enable-tcp-insecure"),
        SshTunnel.command("/usr/bin/ssh -p  2222 -o BatchMode=yes", host("@box")));
  }
}
