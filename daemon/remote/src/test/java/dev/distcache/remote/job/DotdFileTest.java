package dev.distcache.remote.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotdFileTest {
  @TempDir Path tmp;

  @Test
  void targetBecomesTheClients_andTheRootDisappears() {
    String written =
        "/tmp/job1/output.o: /tmp/job1/root/home/u/p/m.c \\\n /usr/include/stdio.h"
            + " /tmp/job1/root/home/u/p/inc/x.h\n";
    byte[] clean =
        DotdFile.clean(
            written.getBytes(StandardCharsets.UTF_8),
            "/tmp/job1/output.o",
            "m.o",
            "/tmp/job1/root");
    assertEquals(
        "m.o: /home/u/p/m.c /usr/include/stdio.h /home/u/p/inc/x.h\n",
        new String(clean, StandardCharsets.UTF_8));
  }

  @Test
  void nonAsciiBytes_passThrough_andTheTargetMayBeUtf8() {
    byte[] written = "/j/output.o: /j/root/p/\u00e9t\u00e9.c\n".getBytes(StandardCharsets.UTF_8);
    assertEquals(
        "\u00fcber.o: /p/\u00e9t\u00e9.c\n",
        new String(
            DotdFile.clean(written, "/j/output.o", "\u00fcber.o", "/j/root"),
            StandardCharsets.UTF_8));
  }

  @Test
  void rewrap_breaksWhereGccBreaks_andLeavesPhonyRulesAlone() {
    String rule =
        "a.o: " + "x".repeat(30) + ".h " + "y".repeat(30) + ".h z\\ with\\ space.h\nx.h:\n";
    assertEquals(
        "a.o: " + "x".repeat(30) + ".h " + "y".repeat(30) + ".h \\\n z\\ with\\ space.h\nx.h:\n",
        DotdFile.rewrap(rule));
  }

  /** What gcc itself wrote is unchanged: the wrapping is gcc's. */
  @Test
  void rewrap_ofGccsOwnOutput_isTheSame() throws Exception {
    Files.writeString(
        tmp.resolve("m.c"),
        "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\nint x;\n");
    Process p =
        new ProcessBuilder("gcc", "-M", "-MP", "-MT", "some/longer/target/name.o", "m.c")
            .directory(tmp.toFile())
            .redirectErrorStream(true)
            .start();
    String deps = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), deps);
    assertEquals(deps, DotdFile.rewrap(deps));
  }
}
