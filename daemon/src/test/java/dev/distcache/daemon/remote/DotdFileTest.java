package dev.distcache.daemon.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DotdFileTest {
  @Test
  void targetBecomesTheClients_andTheRootDisappears() {
    String written = "/tmp/job1/output.o: /tmp/job1/root/home/u/p/m.c \\\n /usr/include/stdio.h"
        + " /tmp/job1/root/home/u/p/inc/x.h\n";
    byte[] clean = DotdFile.clean(written.getBytes(StandardCharsets.UTF_8), "/tmp/job1/output.o", "m.o",
        "/tmp/job1/root");
    assertEquals("m.o: /home/u/p/m.c \\\n /usr/include/stdio.h /home/u/p/inc/x.h\n",
        new String(clean, StandardCharsets.UTF_8));
  }

  @Test
  void nonAsciiBytes_passThrough_andTheTargetMayBeUtf8() {
    byte[] written = "/j/output.o: /j/root/p/\u00e9t\u00e9.c\n".getBytes(StandardCharsets.UTF_8);
    assertEquals("\u00fcber.o: /p/\u00e9t\u00e9.c\n", new String(
        DotdFile.clean(written, "/j/output.o", "\u00fcber.o", "/j/root"), StandardCharsets.UTF_8));
  }
}
