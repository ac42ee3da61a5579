package dev.distcache.cli.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasqueradeInstallerTest {
  @TempDir Path tmp;

  private Path launcher;
  private Path bin1;
  private Path bin2;
  private Path masq;

  @BeforeEach
  void fakeSystem() throws IOException {
    launcher = executable(tmp.resolve("home/bin/distcache"));
    bin1 = Files.createDirectories(tmp.resolve("bin1"));
    bin2 = Files.createDirectories(tmp.resolve("bin2"));
    masq = tmp.resolve("masq");
    for (String name :
        List.of(
            "gcc",
            "g++",
            "cc",
            "gcc-ar",
            "gcc-nm-12",
            "x86_64-linux-gnu-gcc-12",
            "x86_64-linux-gnu-gcc-nm",
            "x86_64-linux-gnu-gcc-ranlib",
            "ld",
            "clang-format-18")) {
      executable(bin1.resolve(name));
    }
    Files.writeString(bin1.resolve("clang++"), "not executable");
    Files.createSymbolicLink(bin1.resolve("c++"), launcher);
    executable(bin2.resolve("clang-18"));
    executable(bin2.resolve("aarch64-linux-gnu-g++"));
    Files.createSymbolicLink(bin2.resolve("gcc-13"), bin1.resolve("gcc"));
  }

  private static Path executable(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "#!/bin/sh\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private MasqueradeInstaller installer(Path... path) {
    return new MasqueradeInstaller(launcher, launcher, List.of(path));
  }

  @Test
  void install_linksEveryCompilerOnThePathToTheLauncherAndSkipsOtherTools() throws Exception {
    MasqueradeInstaller.Outcome outcome = installer(bin1, bin2).install(masq);

    Path target = launcher.toRealPath();
    List<String> names =
        List.of(
            "aarch64-linux-gnu-g++",
            "cc",
            "clang-18",
            "g++",
            "gcc",
            "gcc-13",
            "x86_64-linux-gnu-gcc-12");
    assertEquals(names.stream().map(n -> n + " -> " + target).toList(), outcome.created());
    assertEquals(List.of(), outcome.warnings());
    try (var links = Files.list(masq)) {
      assertEquals(names, links.map(p -> p.getFileName().toString()).sorted().toList());
    }
    for (String name : names) {
      assertEquals(target, Files.readSymbolicLink(masq.resolve(name)));
    }
  }

  @Test
  void install_skipsTheMasqueradeDirectoryItselfAndNamesThatAreDistcache() throws Exception {
    executable(masq.resolve("clang-19"));

    MasqueradeInstaller.Outcome outcome = installer(masq, bin1).install(masq);

    assertFalse(
        outcome.created().stream().anyMatch(l -> l.startsWith("clang-19 ")), "found in DIR itself");
    assertFalse(
        outcome.created().stream().anyMatch(l -> l.startsWith("c++ ")), "c++ on PATH is distcache");
    assertFalse(
        outcome.created().stream().anyMatch(l -> l.startsWith("clang++ ")), "not executable");
  }

  @Test
  void install_leavesItsOwnLinksQuietlyAndForeignFilesWithAWarning() throws Exception {
    Files.createDirectories(masq);
    Files.createSymbolicLink(masq.resolve("gcc"), launcher);
    Files.writeString(masq.resolve("cc"), "mine");
    Files.createSymbolicLink(masq.resolve("g++"), bin1.resolve("g++"));

    MasqueradeInstaller.Outcome outcome = installer(bin1).install(masq);

    assertEquals(List.of("x86_64-linux-gnu-gcc-12 -> " + launcher.toRealPath()), outcome.created());
    assertEquals(2, outcome.warnings().size(), outcome.warnings().toString());
    assertTrue(
        outcome.warnings().get(0).startsWith("leaving " + masq.resolve("cc") + " alone"),
        outcome.warnings().get(0));
    assertTrue(outcome.warnings().get(1).startsWith("leaving " + masq.resolve("g++") + " alone"));
    assertEquals("mine", Files.readString(masq.resolve("cc")));
    assertEquals(bin1.resolve("g++"), Files.readSymbolicLink(masq.resolve("g++")));
  }

  @Test
  void install_withTheNativeClient_linksToIt_andRepointsLinksToTheLauncherButNothingElse()
      throws Exception {
    Path nativeClient = executable(tmp.resolve("home/target/bin/distcache"));
    Files.createDirectories(masq);
    Files.createSymbolicLink(masq.resolve("gcc"), launcher);
    Files.writeString(masq.resolve("cc"), "mine");

    MasqueradeInstaller.Outcome outcome =
        new MasqueradeInstaller(nativeClient, launcher, List.of(bin1)).install(masq);

    Path target = nativeClient.toRealPath();
    assertEquals(
        List.of("g++ -> " + target, "gcc -> " + target, "x86_64-linux-gnu-gcc-12 -> " + target),
        outcome.created());
    assertEquals(target, Files.readSymbolicLink(masq.resolve("gcc")));
    assertEquals("mine", Files.readString(masq.resolve("cc")));
    assertEquals(1, outcome.warnings().size(), outcome.warnings().toString());
  }

  @Test
  void install_runTwice_createsNothingTheSecondTime() throws Exception {
    installer(bin1, bin2).install(masq);

    MasqueradeInstaller.Outcome again = installer(bin1, bin2).install(masq);

    assertEquals(List.of(), again.created());
    assertEquals(List.of(), again.warnings());
  }

  @Test
  void refresh_linksRelatively_addsNewCompilers_andRemovesLinksWhoseCompilerIsGone()
      throws Exception {
    Path home = tmp.resolve("installed");
    Path nativeClient = executable(home.resolve("target/bin/distcache"));
    Path dir = home.resolve("bin");
    MasqueradeInstaller installer = new MasqueradeInstaller(nativeClient, launcher, List.of(bin2));
    installer.refresh(dir);
    Files.writeString(dir.resolve("not-ours"), "kept");
    Files.delete(bin2.resolve("clang-18"));
    executable(bin2.resolve("gcc-14"));

    MasqueradeInstaller.Outcome outcome = installer.refresh(dir);

    Path relative = Path.of("../target/bin/distcache");
    assertEquals(List.of("gcc-14 -> " + relative), outcome.created());
    assertEquals(List.of("clang-18"), outcome.removed());
    assertEquals(List.of(), outcome.warnings());
    try (var links = Files.list(dir)) {
      assertEquals(
          List.of("aarch64-linux-gnu-g++", "gcc-13", "gcc-14", "not-ours"),
          links.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(relative, Files.readSymbolicLink(dir.resolve("aarch64-linux-gnu-g++")));
    assertEquals(nativeClient.toRealPath(), dir.resolve("gcc-14").toRealPath());
  }

  @Test
  void updateLinksCommand_withoutDir_refusesACheckout_andRefreshesAnInstallation()
      throws Exception {
    Path home = tmp.resolve("home");
    executable(home.resolve("target/bin/distcache"));
    String previous = System.getProperty("distcache.home");
    System.setProperty("distcache.home", home.toString());
    try {
      Map<String, String> env =
          Map.of("DISTCACHE_DIR", tmp.resolve("cache").toString(), "PATH", bin2.toString());
      AdminRun checkout = AdminRun.run(new FakeChannel(), env, "update-links");
      assertEquals(1, checkout.exitCode());
      assertTrue(checkout.err().contains("bin/install"), checkout.err());
      assertFalse(Files.exists(home.resolve("bin/clang-18")));

      Files.writeString(home.resolve(UpdateLinksCommand.MANIFEST), "");
      AdminRun installed = AdminRun.run(new FakeChannel(), env, "update-links");

      assertEquals(0, installed.exitCode(), installed.err());
      assertTrue(
          installed.out().contains("added clang-18 -> ../target/bin/distcache"), installed.out());
      assertEquals(
          home.resolve("target/bin/distcache").toRealPath(),
          home.resolve("bin/clang-18").toRealPath());
    } finally {
      restore("distcache.home", previous);
    }
  }

  @Test
  void splitPath_dropsEmptyEntries() {
    assertEquals(
        List.of(Path.of("/usr/bin"), Path.of("/bin")),
        MasqueradeInstaller.splitPath("/usr/bin::/bin:"));
  }

  @Test
  void installMasqueradeCommand_linksToTheNativeClientWhenItWasBuilt() throws Exception {
    Path nativeClient = executable(tmp.resolve("home/target/bin/distcache"));
    String previous = System.getProperty("distcache.home");
    System.setProperty("distcache.home", tmp.resolve("home").toString());
    try {
      AdminRun run =
          AdminRun.run(
              new FakeChannel(),
              Map.of("DISTCACHE_DIR", tmp.resolve("cache").toString(), "PATH", bin2.toString()),
              "install-masquerade",
              masq.toString());

      assertEquals(0, run.exitCode(), run.err());
      assertEquals(nativeClient.toRealPath(), masq.resolve("clang-18").toRealPath());
    } finally {
      restore("distcache.home", previous);
    }
  }

  private static void restore(String property, String previous) {
    if (previous == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, previous);
    }
  }

  @Test
  void installMasqueradeCommand_printsEachLinkAndThePathHint() throws Exception {
    Path nativeClient = executable(tmp.resolve("home/target/bin/distcache"));
    String previous = System.getProperty("distcache.home");
    System.setProperty("distcache.home", tmp.resolve("home").toString());
    try {
      AdminRun run =
          AdminRun.run(
              new FakeChannel(),
              Map.of("DISTCACHE_DIR", tmp.resolve("cache").toString(), "PATH", bin2.toString()),
              "install-masquerade",
              masq.toString());

      assertEquals(0, run.exitCode(), run.err());
      Path target = nativeClient.toRealPath(); // the links name the native client
      assertEquals(
          "aarch64-linux-gnu-g++ -> "
              + target
              + "\nclang-18 -> "
              + target
              + "\ngcc-13 -> "
              + target
              + "\n"
              + "Put "
              + masq
              + " first in PATH to compile through distcache.\n",
          run.out());
    } finally {
      restore("distcache.home", previous);
    }
  }
}
