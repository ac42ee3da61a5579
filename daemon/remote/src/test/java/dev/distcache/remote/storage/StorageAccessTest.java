package dev.distcache.remote.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.distcache.distribute.tls.Tokens;
import dev.distcache.remote.net.AccessList;
import dev.distcache.remote.net.Netmask;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageAccessTest {
  private static final String WRITER = "writer-token-0123456789abcdef";
  private static final String READER = "reader-token-0123456789abcdef";
  private static final AccessList LAN =
      AccessList.of(List.of(Netmask.parse("10.0.0.0/8"), Netmask.parse("127.0.0.0/8")));

  @TempDir Path tmp;

  private static AccessList writers(String network) {
    return new AccessList(List.of(Netmask.parse(network)), true);
  }

  private static InetAddress ip(String a) throws Exception {
    return InetAddress.getByName(a);
  }

  @Test
  void withoutWritersOrTokens_everyAdmittedPeerWrites_andOthersAreRefused() throws Exception {
    StorageAccess open = new StorageAccess(LAN, null, null, null);
    assertEquals(new StorageAccess.Admitted("10.1.2.3", true), open.admit(ip("10.1.2.3"), null));
    assertEquals(
        new StorageAccess.Refused(403, "not in --allow"), open.admit(ip("192.168.1.1"), null));
  }

  @Test
  void writeAllow_letsItsNetworksWrite_andTheRestOfAllowRead() throws Exception {
    StorageAccess a = new StorageAccess(LAN, writers("10.9.0.0/16"), null, null);
    assertEquals(new StorageAccess.Admitted("10.9.1.1", true), a.admit(ip("10.9.1.1"), null));
    assertEquals(new StorageAccess.Admitted("10.8.1.1", false), a.admit(ip("10.8.1.1"), null));
    // a writer's network outside --allow does not admit anyone
    StorageAccess b = new StorageAccess(LAN, writers("192.168.0.0/16"), null, null);
    assertEquals(403, ((StorageAccess.Refused) b.admit(ip("192.168.1.1"), null)).status());
  }

  @Test
  void tokens_writeAndReadOnlyTokensRead_andAnyOtherIsDenied() throws Exception {
    Files.writeString(tmp.resolve("w"), WRITER + " # ci\n");
    Files.writeString(tmp.resolve("r"), READER + " # laptop\n");
    StorageAccess a =
        new StorageAccess(
            LAN,
            writers("10.9.0.0/16"),
            Tokens.accepted(tmp.resolve("w")),
            Tokens.accepted("--storage-read-tokens", tmp.resolve("r")));
    assertEquals(
        new StorageAccess.Admitted("10.9.1.1 (token of ci)", true),
        a.admit(ip("10.9.1.1"), "Bearer " + WRITER));
    assertEquals(
        new StorageAccess.Admitted("10.8.1.1 (token of ci)", false),
        a.admit(ip("10.8.1.1"), "Bearer " + WRITER),
        "a writer's token outside the writers' networks reads only");
    assertEquals(
        new StorageAccess.Admitted("10.9.1.1 (read-only token of laptop)", false),
        a.admit(ip("10.9.1.1"), "Bearer " + READER));
    assertEquals(
        new StorageAccess.Refused(401, "no token (bearer-token=)"), a.admit(ip("10.9.1.1"), null));
    assertEquals(
        new StorageAccess.Refused(401, "the token is not one this daemon accepts"),
        a.admit(ip("10.9.1.1"), "Bearer " + WRITER + "x"));
    assertEquals(
        new StorageAccess.Refused(401, "the token is not one this daemon accepts"),
        a.admit(ip("10.9.1.1"), "Basic " + WRITER));
    assertEquals(403, ((StorageAccess.Refused) a.admit(ip("192.168.1.1"), null)).status());
  }

  @Test
  void readTokensAlone_requireAToken_andNoneWrites() throws Exception {
    Files.writeString(tmp.resolve("r"), READER + " # laptop\n");
    StorageAccess a =
        new StorageAccess(
            LAN, null, null, Tokens.accepted("--storage-read-tokens", tmp.resolve("r")));
    assertEquals(
        new StorageAccess.Admitted("127.0.0.1 (read-only token of laptop)", false),
        a.admit(ip("127.0.0.1"), "Bearer " + READER));
    assertEquals(401, ((StorageAccess.Refused) a.admit(ip("127.0.0.1"), null)).status());
  }
}
