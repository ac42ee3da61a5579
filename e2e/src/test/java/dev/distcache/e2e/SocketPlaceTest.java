package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Another user cannot pose as the local server (issue 8, item 2). A cache directory too long for a
 * socket path puts the socket in /tmp/distcache-$USER when XDG_RUNTIME_DIR is unset; another user
 * can make that directory first and listen in it. Each case runs in a private mount namespace with
 * a tmpfs on /tmp (the machine's /tmp is never touched), the fake server as user nobody: it records
 * every byte it gets. Both clients (native and Java) must compile the right object and send the
 * fake nothing.
 */
class SocketPlaceTest {
  private static final String USER = System.getProperty("user.name");
  private static final String FAKE_SERVER =
      """
      #include <fcntl.h>
      #include <poll.h>
      #include <string.h>
      #include <sys/socket.h>
      #include <sys/un.h>
      #include <unistd.h>
      /* fake SOCKET RECORD: listens at SOCKET and appends all it receives to RECORD. */
      int main(int argc, char **argv) {
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        strncpy(a.sun_path, argv[1], sizeof a.sun_path - 1);
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        int rec = open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (argc != 3 || s < 0 || rec < 0 || bind(s, (struct sockaddr *) &a, sizeof a) != 0 || listen(s, 16) != 0) {
          return 1;
        }
        for (;;) {
          int c = accept(s, 0, 0);
          char buf[65536];
          struct pollfd p = {.fd = c, .events = POLLIN};
          ssize_t n;
          while (c >= 0 && poll(&p, 1, 2000) > 0 && (n = read(c, buf, sizeof buf)) > 0) {
            if (write(rec, buf, (size_t) n) != n) {
              return 1;
            }
          }
          if (c >= 0) {
            close(c); /* as an answer: nothing, which a victim's build might take for success */
          }
        }
      }
      """;

  Path work;
  Path cache;

  @BeforeEach
  void setUp() throws IOException {
    // Under the checkout, which the cases keep visible behind their own tmpfs on /tmp.
    Files.createDirectories(Distcache.ROOT.resolve("target"));
    work = Files.createTempDirectory(Distcache.ROOT.resolve("target"), "socket-place-");
    cache = work.resolve("d".repeat(60)).resolve("e".repeat(60)).resolve("cache");
    Files.writeString(work.resolve("fake.c"), FAKE_SERVER);
    Files.writeString(
        work.resolve("x.c"), "#include <stdio.h>\nint main(void) { puts(\"x\"); return 0; }\n");
  }

  @AfterEach
  void tearDown() throws IOException {
    try (Stream<Path> all = Files.walk(work)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void runtimeDirectoryMadeFirstByAnotherUser_isNotUsed_andItsServerGetsNothing()
      throws IOException {
    String dir = "/tmp/distcache-" + USER;
    String result =
        inNamespace(
            asNobody(
                    "mkdir -m 700 "
                        + dir
                        + " && exec /tmp/fake "
                        + dir
                        + "/"
                        + socketName()
                        + " "
                        + dir
                        + "/got")
                + "\n"
                + waitFor(dir + "/" + socketName())
                + "\n",
            dir + "/got");
    assertBothClientsRight();
    assertEquals("", result, "the other user's server got nothing");
    assertTrue(status().contains("/tmp/home/.cache/distcache-run/" + socketName()), status());
    assertEquals("", err("native") + err("java"));
  }

  @Test
  void runtimeDirectoryThatIsASymbolicLink_isNotUsed() throws IOException {
    String dir = "/tmp/distcache-" + USER;
    inNamespace(
        "mkdir -m 700 /tmp/elsewhere && ln -s /tmp/elsewhere " + dir + "\n",
        "/tmp/elsewhere/" + socketName());
    assertBothClientsRight();
    assertTrue(status().contains("/tmp/home/.cache/distcache-run/" + socketName()), status());
    assertFalse(
        Files.readString(work.resolve("out/found")).contains("yes"),
        "nothing listened behind the link");
  }

  @Test
  void runtimeDirectoryOpenToOthers_isNotUsed() throws IOException {
    String dir = "/tmp/distcache-" + USER;
    inNamespace("mkdir -m 755 " + dir + "\n", dir + "/" + socketName());
    assertBothClientsRight();
    assertTrue(status().contains("/tmp/home/.cache/distcache-run/" + socketName()), status());
    assertFalse(
        Files.readString(work.resolve("out/found")).contains("yes"),
        "nothing listened in the open directory");
  }

  @Test
  void serverOfAnotherUserInAPrivateDirectory_isRefused_andTheClientCompilesItself()
      throws IOException {
    String dir = "/tmp/distcache-" + USER;
    // The fake binds in its own directory; the socket is then moved into the user's good one.
    String result =
        inNamespace(
            "mkdir -m 700 "
                + dir
                + " && mkdir -m 777 /tmp/n\n"
                + asNobody("exec /tmp/fake /tmp/n/s.sock /tmp/n/got")
                + "\n"
                + waitFor("/tmp/n/s.sock")
                + "\n"
                + "mv /tmp/n/s.sock "
                + dir
                + "/"
                + socketName()
                + "\n",
            "/tmp/n/got");
    assertBothClientsRight();
    assertEquals("", result, "the other user's server got nothing");
    for (String client : List.of("native", "java")) {
      String err = err(client);
      assertTrue(
          err.contains("runs as user nobody") && err.lines().count() == 1, client + ": " + err);
    }
  }

  /**
   * A user without a passwd entry (a container's numeric user) is "?" to the JVM, so the server it
   * starts listens in /tmp/distcache-?; the native client, which reads the passwd database itself
   * (it is linked statically), names the same place and gets its hit there.
   */
  @Test
  void userWithoutAPasswdEntry_nativeClientFindsTheServerItStarted() throws IOException {
    compileTwiceAs(54321, "", "/tmp/distcache-?");
  }

  /**
   * A user whom only another NSS source knows (LDAP, sssd; here nss-systemd, which makes up the
   * entry of user nobody when /etc/passwd lacks it) has a name in the JVM; the native client, which
   * reads /etc/passwd itself, asks getent for it and finds the server in /tmp/distcache-nobody.
   */
  @Test
  void userOfAnotherNssSource_nativeClientFindsTheServerItStarted() throws IOException {
    Path passwd = work.resolve("passwd");
    Files.write(
        passwd,
        Files.readAllLines(Path.of("/etc/passwd")).stream()
            .filter(l -> !l.startsWith("nobody:"))
            .toList());
    compileTwiceAs(65534, "mount --bind " + passwd + " /etc/passwd\n", "/tmp/distcache-nobody");
  }

  /**
   * Compiles x.c twice with the native client as user {@code uid} in a private mount namespace
   * (after {@code setup}), with a cache directory too long for its socket and no XDG_RUNTIME_DIR,
   * and checks a miss then a hit, right objects, and the socket in {@code socketDir}.
   */
  private void compileTwiceAs(int uid, String setup, String socketDir) throws IOException {
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(cache.getParent());
    Files.setPosixFilePermissions(cache.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
    Path out = Files.createDirectories(work.resolve("out"));
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
    String user =
        "setpriv --reuid=" + uid + " --regid=" + uid + " --clear-groups env HOME=/tmp/nohome ";
    String script =
        "set -e\n"
            + "trap '"
            + user
            + Distcache.LAUNCHER
            + " server stop > /tmp/stop.log 2>&1' EXIT\n"
            + keepRootVisible()
            + setup
            + "cd "
            + work
            + "\n"
            + "gcc -c x.c -o out/direct.o\n"
            + user
            + Distcache.LAUNCHER
            + " gcc -c x.c -o out/miss.o 2> out/miss.err\n"
            + user
            + Distcache.LAUNCHER
            + " gcc -c x.c -o out/hit.o 2> out/hit.err\n"
            + user
            + Distcache.LAUNCHER
            + " -s > out/stats 2>&1\n"
            + "if [ -S '"
            + socketDir
            + "/"
            + socketName()
            + "' ]; then echo yes > out/found; else echo no > out/found; fi\n";
    Distcache dc = new Distcache(cache).with("DISTCACHE_IDLETIMEOUT", "60");
    dc.env.remove("XDG_RUNTIME_DIR");
    dc.env.remove("DISTCACHE_JAVA_CLIENT");
    dc.exec(work, "unshare", "-m", "--propagation", "private", "sh", "-c", script).ok();
    byte[] direct = Files.readAllBytes(out.resolve("direct.o"));
    assertArrayEquals(direct, Files.readAllBytes(out.resolve("miss.o")), "the miss's object");
    assertArrayEquals(direct, Files.readAllBytes(out.resolve("hit.o")), "the hit's object");
    assertEquals(
        "", Files.readString(out.resolve("miss.err")) + Files.readString(out.resolve("hit.err")));
    assertEquals("yes\n", Files.readString(out.resolve("found")), "the socket in " + socketDir);
    String stats = Files.readString(out.resolve("stats"));
    assertTrue(
        stats.matches("(?s).*Direct: +1 / +1.*") && stats.matches("(?s).*Misses: +1 / +2.*"),
        stats);
  }

  @Test
  void storeDirectoryIsPrivate() throws IOException {
    Distcache dc = new Distcache(work.resolve("c"));
    try {
      dc.with("DISTCACHE_IDLETIMEOUT", "60").run(work, "gcc", "-c", "x.c", "-o", "s.o").ok();
    } finally {
      dc.close();
    }
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("c/store"))));
  }

  /**
   * Runs {@code setup} and then a compile with each client in a private mount namespace with an
   * empty /tmp ($HOME there too), saves the objects, stderr, the server's status and what {@code
   * probe} holds (a file's content; "yes" for a socket) in work/out, and stops all.
   */
  private String inNamespace(String setup, String probe) throws IOException {
    Files.createDirectories(work.resolve("out"));
    String script =
        "set -e\nfake=\n"
            + "trap 'if [ -n \"$fake\" ]; then kill $fake; fi; "
            + Distcache.LAUNCHER
            + " server stop > /tmp/stop.log 2>&1' EXIT\n"
            + keepRootVisible()
            + "mkdir -m 700 /tmp/home\n"
            + "gcc -o /tmp/fake "
            + work.resolve("fake.c")
            + " && chmod 755 /tmp/fake\n"
            + setup
            + "cd "
            + work
            + "\n"
            + "env -u DISTCACHE_JAVA_CLIENT "
            + Distcache.LAUNCHER
            + " gcc -c x.c -o out/native.o 2> out/native.err\n"
            + "DISTCACHE_JAVA_CLIENT=1 "
            + Distcache.LAUNCHER
            + " gcc -c x.c -o out/java.o 2> out/java.err\n"
            + "gcc -c x.c -o out/direct.o\n"
            + Distcache.LAUNCHER
            + " server status > out/status 2>&1 || true\n"
            + "if [ -S "
            + probe
            + " ]; then echo yes > out/found; else echo no > out/found; fi\n"
            + "cat "
            + probe
            + " > out/probe 2>/dev/null || : > out/probe\n";
    Distcache dc =
        new Distcache(cache).with("HOME", "/tmp/home").with("DISTCACHE_IDLETIMEOUT", "60");
    dc.env.remove("XDG_RUNTIME_DIR");
    dc.exec(work, "unshare", "-m", "--propagation", "private", "sh", "-c", script).ok();
    return Files.readString(work.resolve("out/probe"), StandardCharsets.ISO_8859_1);
  }

  /**
   * The commands that put an empty tmpfs on /tmp while the checkout (the launcher, the layout and
   * {@code work}) stays visible: CI may clone it under /tmp. The old /tmp is held at /mnt of the
   * namespace (only the namespace sees that mount) and the checkout bound back into the new /tmp.
   */
  private static String keepRootVisible() {
    String root = Distcache.ROOT.toAbsolutePath().normalize().toString();
    if (!root.startsWith("/tmp/")) {
      return "mount -t tmpfs -o mode=1777 tmpfs /tmp\n";
    }
    return "mount --bind /tmp /mnt\n"
        + "mount -t tmpfs -o mode=1777 tmpfs /tmp\n"
        + "mkdir -p "
        + root
        + "\n"
        + "mount --bind /mnt/"
        + root.substring("/tmp/".length())
        + " "
        + root
        + "\n";
  }

  private void assertBothClientsRight() throws IOException {
    byte[] direct = Files.readAllBytes(work.resolve("out/direct.o"));
    assertArrayEquals(
        direct, Files.readAllBytes(work.resolve("out/native.o")), "native client's object");
    assertArrayEquals(
        direct, Files.readAllBytes(work.resolve("out/java.o")), "Java client's object");
  }

  private String err(String client) throws IOException {
    return Files.readString(work.resolve("out/" + client + ".err"));
  }

  private String status() throws IOException {
    return Files.readString(work.resolve("out/status"));
  }

  private static String asNobody(String command) {
    return "setpriv --reuid=65534 --regid=65534 --clear-groups sh -c '"
        + command
        + "' > /tmp/fake.log 2>&1 & fake=$!";
  }

  private static String waitFor(String socket) {
    return "i=0; while [ ! -S " + socket + " ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done";
  }

  /**
   * The socket's name outside the cache directory: fnv1a64 of the cache directory, as
   * docs/client-protocol.md says.
   */
  private String socketName() {
    long h = 0xcbf29ce484222325L;
    for (byte b : cache.toString().getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return String.format("%016x.sock", h);
  }
}
