package dev.distcache.core.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.process.ProcessRunner.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the posix_spawn path does beyond {@link ProcessRunnerTest}'s common contract. */
class PosixSpawnTest {
  @TempDir Path tmp;

  @Test
  void thisMachine_startsProcessesWithPosixSpawn() {
    // glibc 2.34+ and native access (surefire's argLine): ProcessRunnerTest tests the fast path.
    assertTrue(PosixSpawn.available());
  }

  @Test
  void aBareProgramName_isLookedUpInTheCommandsPath_andKeepsItsArgv0() throws IOException {
    Path bin = tmp.resolve("bin");
    Files.createDirectories(bin);
    Path tool = bin.resolve("only-here");
    Files.writeString(tool, "#!/bin/sh\necho \"$0\"\n");
    assertTrue(tool.toFile().setExecutable(true));
    Exec exec =
        ProcessRunner.system()
            .run(Command.of(List.of("only-here"), Map.of("PATH", bin + ":/usr/bin:/bin"), tmp));
    assertEquals(tool + "\n", new String(exec.stdout(), UTF_8)); // a script's $0 is its path
    Exec argv0 =
        ProcessRunner.system()
            .run(
                Command.of(
                    List.of("sh", "-c", "cat /proc/$$/cmdline | tr '\\0' ' '"),
                    Map.of("PATH", "/usr/bin:/bin"),
                    tmp));
    assertTrue(new String(argv0.stdout(), UTF_8).startsWith("sh -c "), "argv[0] as given");
  }
}
