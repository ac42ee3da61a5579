package dev.distcache.distribute.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostsSourceTest {
  @TempDir Path tmp;

  @Test
  void find_takesTheFirstPlaceThatIsSet_inDistcacheThenDistccOrder() throws Exception {
    Path home = tmp.resolve("home");
    Path etc = tmp.resolve("etc");
    write(home.resolve(".distcc/hosts"), "home-host");
    write(etc.resolve("distcc/hosts"), "etc-host");
    Map<String, String> env = new HashMap<>(Map.of("HOME", home.toString()));
    assertEquals(
        Optional.of("etc-host"), sourceText(Map.of(), null, etc), "without HOME: the system file");

    assertEquals(
        Optional.of(new HostsSource.Found("home-host", home.resolve(".distcc/hosts").toString())),
        new HostsSource(env, null, etc).find());
    Path distccDir = tmp.resolve("dd");
    write(distccDir.resolve("hosts"), "dir-host");
    env.put("DISTCC_DIR", distccDir.toString());
    assertEquals(
        "dir-host",
        new HostsSource(env, null, etc).find().orElseThrow().text(),
        "$DISTCC_DIR replaces ~/.distcc");
    env.put("DISTCC_HOSTS", "env-host");
    assertEquals(
        new HostsSource.Found("env-host", "$DISTCC_HOSTS"),
        new HostsSource(env, null, etc).find().orElseThrow());
    assertEquals(
        new HostsSource.Found("conf-host", "hosts in distcache.conf"),
        new HostsSource(env, "conf-host", etc).find().orElseThrow());
    env.put("DISTCACHE_HOSTS", "ours");
    assertEquals(
        new HostsSource.Found("ours", "$DISTCACHE_HOSTS"),
        new HostsSource(env, "conf-host", etc).find().orElseThrow());
  }

  @Test
  void find_distcachesOwnFiles_comeAfterTheSettingAndBeforeDistccs() throws Exception {
    Path etc = tmp.resolve("etc");
    Path own = tmp.resolve("cache/hosts");
    write(etc.resolve("distcc/hosts"), "distcc-etc");
    Map<String, String> env = Map.of("DISTCC_HOSTS", "distcc-env");
    assertEquals(
        new HostsSource.Found("distcc-env", "$DISTCC_HOSTS"),
        new HostsSource(env, null, own, etc).find().orElseThrow(),
        "none of distcache's own: distcc's");
    write(etc.resolve("distcache/hosts"), "system");
    assertEquals(
        new HostsSource.Found("system", etc.resolve("distcache/hosts").toString()),
        new HostsSource(env, null, own, etc).find().orElseThrow());
    write(own, "own");
    assertEquals(
        new HostsSource.Found("own", own.toString()),
        new HostsSource(env, null, own, etc).find().orElseThrow());
    assertEquals(
        "conf", new HostsSource(env, "conf", own, etc).find().orElseThrow().text(), "setting");
    assertEquals(
        List.of(
            "$DISTCACHE_HOSTS",
            "hosts in distcache.conf",
            own.toString(),
            etc.resolve("distcache/hosts").toString(),
            "$DISTCC_HOSTS",
            "$DISTCC_DIR/hosts",
            etc.resolve("distcc/hosts").toString()),
        new HostsSource(env, null, own, etc).places());
  }

  @Test
  void find_withOnlyTheSystemFile_readsIt() throws Exception {
    Path etc = tmp.resolve("etc");
    write(etc.resolve("distcc/hosts"), "a b/2\n");
    HostList list =
        new HostsSource(Map.of("HOME", tmp.resolve("nohome").toString()), null, etc).load();
    assertEquals(etc.resolve("distcc/hosts").toString(), list.source());
    assertEquals(2, list.hosts().size());
  }

  @Test
  void find_setButEmptyVariable_winsWithNoHosts_asInDistcc() throws Exception {
    Path etc = tmp.resolve("etc");
    write(etc.resolve("distcc/hosts"), "etc-host");
    HostList list = new HostsSource(Map.of("DISTCC_HOSTS", ""), null, etc).load();
    assertEquals(List.of(), list.hosts());
    assertEquals("$DISTCC_HOSTS", list.source());
  }

  @Test
  void load_nothingAnywhere_isAnEmptyList() throws Exception {
    assertEquals(List.of(), new HostsSource(Map.of(), null, tmp.resolve("etc")).load().hosts());
  }

  @Test
  void load_badEntryInAFile_namesTheFile() throws Exception {
    Path etc = tmp.resolve("etc");
    write(etc.resolve("distcc/hosts"), "good\nbad:port\n");
    HostsException e =
        assertThrows(HostsException.class, () -> new HostsSource(Map.of(), null, etc).load());
    assertEquals(
        etc.resolve("distcc/hosts")
            + ":2:5: bad host entry \"bad:port\": the port must be a number from 1 up",
        e.getMessage());
  }

  @Test
  void find_hostsFileThatCannotBeRead_isAnError() throws Exception {
    Path dir = tmp.resolve("dd");
    Files.createDirectories(dir.resolve("hosts")); // a directory where the file should be
    HostsException e =
        assertThrows(
            HostsException.class,
            () -> new HostsSource(Map.of("DISTCC_DIR", dir.toString()), null, tmp).find());
    assertTrue(
        e.getMessage().startsWith("cannot read the host list " + dir.resolve("hosts")),
        e.getMessage());
  }

  private static Optional<String> sourceText(Map<String, String> env, String conf, Path etc)
      throws HostsException {
    return new HostsSource(env, conf, etc).find().map(HostsSource.Found::text);
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
