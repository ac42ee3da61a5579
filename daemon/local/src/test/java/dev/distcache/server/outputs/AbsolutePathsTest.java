package dev.distcache.server.outputs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AbsolutePathsTest {
  @TempDir Path tmp;
  Path cwd;
  String real;

  @BeforeEach
  void setUp() throws IOException {
    cwd = Files.createDirectories(tmp.resolve("build"));
    Files.createDirectories(tmp.resolve("src"));
    Files.writeString(tmp.resolve("src/a.c"), "");
    Files.writeString(tmp.resolve("src/a.h"), "");
    real = tmp.toRealPath().resolve("src").toString();
  }

  @Test
  void rewrite_makesExistingLeadingNamesRealAndAbsolute() {
    String in =
        "In file included from ../src/a.c:1:\n"
            + "../src/a.h:2:3: warning: w [-Wx]\n"
            + "    2 | int x;\n"
            + "../src/a.c: In function 'f':\n"
            + "no-such.c:1: error\n"
            + "plain line without colon\n"
            + "last:";
    String out =
        "In file included from "
            + real
            + "/a.c:1:\n"
            + real
            + "/a.h:2:3: warning: w [-Wx]\n"
            + "    2 | int x;\n"
            + real
            + "/a.c: In function 'f':\n"
            + "no-such.c:1: error\n"
            + "plain line without colon\n"
            + "last:";
    assertEquals(out, rewrite(in));
  }

  @Test
  void rewrite_keepsColourCodesInFrontOfTheName() {
    String in = "\u001b[01m\u001b[K../src/a.c:1:1:\u001b[m\u001b[K warning\n";
    assertEquals("\u001b[01m\u001b[K" + real + "/a.c:1:1:\u001b[m\u001b[K warning\n", rewrite(in));
  }

  @Test
  void rewrite_ofNothing_isNothing() {
    assertEquals("", rewrite(""));
    assertEquals("\n\n", rewrite("\n\n"));
  }

  private String rewrite(String text) {
    return new String(AbsolutePaths.rewrite(text.getBytes(UTF_8), cwd), UTF_8);
  }
}
