package dev.distcache.distribute.hosts;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our parser against the real {@code distcc --show-hosts} (distcc 3.4), which fails with "Failed to
 * get host list" when it rejects a list. Each entry follows a valid one, so a list is never
 * rejected only for being empty.
 */
class HostsParserVsDistccTest {
  private static final List<String> BOTH_ACCEPT =
      List.of(
          "localhost",
          "localhost/3",
          "localhost:3632",
          "buildbox",
          "buildbox/8",
          "buildbox:4000/8",
          "buildbox/8:4000,lzo",
          "192.168.0.7,lzo,cpp",
          "[::1]",
          "[fe80::1%eth0]:3633/2,lzo",
          "[2001:db8::7]/6",
          "host,down",
          "host,auth",
          "host,auth=distccd",
          "@buildbox",
          "joe@buildbox/5:/opt/distccd,lzo",
          "@buildbox,lzo,cpp",
          "--randomize",
          "--localslots=3",
          "--localslots_cpp=12");
  private static final List<String> BOTH_REJECT =
      List.of(
          "host,lzo,bogus",
          "host,cpp",
          "host:abc",
          "host/0",
          "[::1",
          ":3632",
          "joe@",
          "host,lzo,distcache");

  /** distcc ignores the trailing text, takes a port of 0, or takes the word for a host name. */
  private static final List<String> ONLY_WE_REJECT =
      List.of(
          "host,lzofoo",
          "host:",
          "host:0",
          "host:70000",
          "host/4x",
          "host/2:3632/4",
          "host,lzo:3632",
          "host=3",
          "joe@box:",
          "j!o@box",
          "localhost/2,lzo",
          "--localslots",
          "--localslots=0",
          "--randomise");

  @TempDir Path distccDir;

  @Test
  void entriesDistccAccepts_weAccept() throws Exception {
    for (String entry : BOTH_ACCEPT) {
      assertEquals(true, distccAccepts(entry), entry);
      assertDoesNotThrow(() -> HostsParser.parse("good " + entry, "test"), entry);
    }
  }

  @Test
  void entriesDistccRejects_weReject() throws Exception {
    for (String entry : BOTH_REJECT) {
      assertEquals(false, distccAccepts(entry), entry);
      assertThrows(HostsException.class, () -> HostsParser.parse("good " + entry, "test"), entry);
    }
  }

  @Test
  void entriesDistccReadsLeniently_weRejectWithAReason() throws Exception {
    for (String entry : ONLY_WE_REJECT) {
      assertEquals(true, distccAccepts(entry), entry);
      assertThrows(HostsException.class, () -> HostsParser.parse("good " + entry, "test"), entry);
    }
  }

  /** Our own option: distcc refuses it, so a list with it belongs in DISTCACHE_HOSTS only. */
  @Test
  void distcacheOption_isOursAlone() throws Exception {
    assertEquals(false, distccAccepts("host:4000,distcache"));
    assertDoesNotThrow(() -> HostsParser.parse("good host:4000,distcache", "test"));
  }

  private boolean distccAccepts(String entry) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("distcc", "--show-hosts").redirectErrorStream(true);
    pb.environment().put("DISTCC_HOSTS", "good " + entry);
    pb.environment().put("DISTCC_DIR", distccDir.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return !out.contains("Failed to get host list");
  }
}
