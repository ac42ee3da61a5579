package dev.distcache.hashing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.process.Command;
import dev.distcache.core.process.ProcessRunner;
import dev.distcache.hashing.CompilerIdentifier.CheckFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompilerIdentifierTest {
  private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");
  private static final FileTime T1 = FileTime.from(Instant.parse("2024-01-01T00:00:00Z"));
  private static final FileTime T2 = FileTime.from(Instant.parse("2024-06-01T00:00:00Z"));

  @TempDir Path dir;
  private Path gcc;
  private final CompilerIdentifier identifier = new CompilerIdentifier();

  @BeforeEach
  void setUp() throws IOException {
    gcc = binary(dir.resolve("gcc"), "compiler v1", T1);
  }

  @Test
  void identify_mtime_changesWhenMtimeChanges() throws Exception {
    String before = identifier.identify(gcc, "gcc", "mtime", ENV);
    assertEquals(before, identifier.identify(gcc, "gcc", "mtime", ENV));
    Files.setLastModifiedTime(gcc, T2);
    assertNotEquals(before, identifier.identify(gcc, "gcc", "mtime", ENV));
  }

  @Test
  void identify_mtime_namesTheRealPathThroughSymlinks() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("cc"), gcc);
    assertEquals(
        identifier.identify(gcc, "gcc", "mtime", ENV),
        identifier.identify(link, "gcc", "mtime", ENV));
  }

  @Test
  void identify_content_ignoresMtime() throws Exception {
    String before = identifier.identify(gcc, "gcc", "content", ENV);
    Files.setLastModifiedTime(gcc, T2);
    assertEquals(before, identifier.identify(gcc, "gcc", "content", ENV));
    Path copy = binary(dir.resolve("copy/gcc"), "compiler v1", T2);
    assertEquals(before, new CompilerIdentifier().identify(copy, "gcc", "content", ENV));
  }

  @Test
  void identify_content_isTheHashOfTheBinary() throws Exception {
    String id = identifier.identify(gcc, "gcc", "content", ENV);
    assertEquals(
        "name=gcc;content:" + HexFormat.of().formatHex(Blake3.hash("compiler v1".getBytes(UTF_8))),
        id);
  }

  @Test
  void identify_content_seesChangedContent() throws Exception {
    String before = identifier.identify(gcc, "gcc", "content", ENV);
    binary(gcc, "compiler v2 (longer)", T1);
    assertNotEquals(before, identifier.identify(gcc, "gcc", "content", ENV));
  }

  @Test
  void identify_content_seesChangedContentOfSameSizeAndMtime() throws Exception {
    // A package upgrade or "cp -p" can replace a binary keeping its size and mtime; content mode
    // exists for exactly the case where mtime cannot be trusted.
    String before = identifier.identify(gcc, "gcc", "content", ENV);
    binary(gcc, "compiler v2", T1);
    assertNotEquals(before, identifier.identify(gcc, "gcc", "content", ENV));
  }

  @Test
  void identify_string_isTheStringWhateverTheBinary() throws Exception {
    String a = identifier.identify(gcc, "gcc", "string:gcc-12.2", ENV);
    assertEquals("name=gcc;string:gcc-12.2", a);
    binary(gcc, "something else entirely", T2);
    assertEquals(a, identifier.identify(gcc, "gcc", "string:gcc-12.2", ENV));
    assertNotEquals(a, identifier.identify(gcc, "gcc", "string:gcc-13", ENV));
  }

  @Test
  void identify_none_isTheNameOnly() throws Exception {
    assertEquals("name=gcc;none", identifier.identify(gcc, "/usr/lib/distcache/gcc", "none", ENV));
  }

  @Test
  void identify_differsByInvokedName() throws Exception {
    assertNotEquals(
        identifier.identify(gcc, "gcc", "none", ENV), identifier.identify(gcc, "g++", "none", ENV));
    assertNotEquals(
        identifier.identify(gcc, "gcc", "mtime", ENV),
        identifier.identify(gcc, "g++", "mtime", ENV));
  }

  @Test
  void identify_command_hashesItsOutput() throws Exception {
    String hi = identifier.identify(gcc, "gcc", "echo hi", ENV);
    assertEquals(
        "name=gcc;command:" + HexFormat.of().formatHex(Blake3.hash("hi\n".getBytes(UTF_8))), hi);
    assertNotEquals(hi, identifier.identify(gcc, "gcc", "echo ho", ENV));
  }

  @Test
  void identify_command_hashesStderrInlineWithStdout_asItWasWritten() throws Exception {
    Path check = script("check", "echo a; echo b >&2; echo c");
    String id = identifier.identify(gcc, "gcc", check.toString(), ENV);
    assertEquals(
        "name=gcc;command:" + HexFormat.of().formatHex(Blake3.hash("a\nb\nc\n".getBytes(UTF_8))),
        id);
  }

  @Test
  void identify_command_goesThroughTheGivenProcessRunner_inTheCompilesDirectory() throws Exception {
    List<Command> ran = new ArrayList<>();
    CompilerIdentifier viaFake =
        new CompilerIdentifier(c -> {
          ran.add(c);
          return new ProcessRunner.Exec(0, "v9\n".getBytes(UTF_8), new byte[0], false);
        });
    String id = viaFake.identify(gcc, "gcc", "cat %compiler%", ENV, dir);
    assertEquals(1, ran.size());
    List<String> argv = ran.getFirst().argv();
    assertEquals("/bin/sh", argv.getFirst());
    assertEquals(List.of("cat", gcc.toString()), argv.subList(argv.size() - 2, argv.size()));
    assertEquals(ENV, ran.getFirst().env());
    assertEquals(dir, ran.getFirst().cwd());
    assertEquals(
        "name=gcc;command:" + HexFormat.of().formatHex(Blake3.hash("v9\n".getBytes(UTF_8))), id);
  }

  /** As ccache: a relative command is the compile directory's, and each directory its own. */
  @Test
  void identify_relativeCommand_runsInTheCompilesDirectory() throws Exception {
    Path one = Files.createDirectories(dir.resolve("one"));
    Path two = Files.createDirectories(dir.resolve("two"));
    script("one/check", "echo one");
    script("two/check", "echo two");

    String a = identifier.identify(gcc, "gcc", "./check", ENV, one);
    String b = identifier.identify(gcc, "gcc", "./check", ENV, two);

    assertEquals("name=gcc;command:" + hex("one\n"), a);
    assertEquals("name=gcc;command:" + hex("two\n"), b);
  }

  /**
   * As ccache: commands separated by ";", split on whitespace with no shell, only a whole word
   * %compiler% replaced.
   */
  @Test
  void identify_command_isSplitAsCcacheSplitsIt_withoutAShell() throws Exception {
    assertEquals(
        "name=gcc;command:" + hex("$HOME x%compiler% |\n" + gcc + "\n"),
        identifier.identify(gcc, "gcc", "echo $HOME  x%compiler% | ;\techo\t%compiler%;", ENV));
  }

  @Test
  void identify_commandThatIsNotAProgram_throwsCheckFailed() {
    assertThrows(
        CheckFailedException.class, () -> identifier.identify(gcc, "gcc", "exit 0", ENV, dir));
    assertThrows(
        CheckFailedException.class, () -> identifier.identify(gcc, "gcc", "echo a; ;", ENV, dir));
  }

  @Test
  void identify_commandThatTimesOut_throwsCheckFailed() {
    CompilerIdentifier slow =
        new CompilerIdentifier(c -> new ProcessRunner.Exec(-1, new byte[0], new byte[0], true));
    CheckFailedException e =
        assertThrows(CheckFailedException.class, () -> slow.identify(gcc, "gcc", "sleep 1", ENV));
    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
  }

  @Test
  void identify_command_replacesCompilerPlaceholder() throws Exception {
    String id = identifier.identify(gcc, "gcc", "cat %compiler%", ENV);
    assertEquals(
        "name=gcc;command:" + HexFormat.of().formatHex(Blake3.hash("compiler v1".getBytes(UTF_8))),
        id);
  }

  @Test
  void identify_command_runsOncePerBinaryState() throws Exception {
    Path count = dir.resolve("count");
    String check = script("check", "echo run >> " + count + "; echo hi").toString();
    identifier.identify(gcc, "gcc", check, ENV);
    identifier.identify(gcc, "g++", check, ENV);
    assertEquals(1, Files.readAllLines(count).size());
    Files.setLastModifiedTime(gcc, T2);
    identifier.identify(gcc, "gcc", check, ENV);
    assertEquals(2, Files.readAllLines(count).size());
  }

  /** ccache runs the command every time: a remembered output is not reused after it changed. */
  @Test
  void identify_command_runsAgainWhenAFileItNamesChanged() throws Exception {
    script("check", "echo one");
    String before = identifier.identify(gcc, "gcc", "./check", ENV, dir);
    script("check", "echo two");
    assertNotEquals(before, identifier.identify(gcc, "gcc", "./check", ENV, dir));
    Path version = dir.resolve("version");
    Files.writeString(version, "1");
    String one = identifier.identify(gcc, "gcc", "cat " + version, ENV, dir);
    Files.writeString(version, "2");
    assertNotEquals(one, identifier.identify(gcc, "gcc", "cat " + version, ENV, dir));
  }

  @Test
  void identify_failingCommand_throwsCheckFailedWithExitCode() throws IOException {
    Path check = script("check", "echo oops; exit 3");
    CheckFailedException e =
        assertThrows(
            CheckFailedException.class,
            () -> identifier.identify(gcc, "gcc", "echo ok;" + check, ENV));
    assertTrue(e.getMessage().contains("exit code 3"), e.getMessage());
  }

  @Test
  void identify_missingCompiler_throwsCheckFailedNamingIt() {
    Path missing = dir.resolve("nope/gcc");
    CheckFailedException e =
        assertThrows(
            CheckFailedException.class, () -> identifier.identify(missing, "gcc", "mtime", ENV));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  private Path script(String name, String body) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static String hex(String output) {
    return HexFormat.of().formatHex(Blake3.hash(output.getBytes(UTF_8)));
  }

  private static Path binary(Path file, String content, FileTime mtime) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    Files.setLastModifiedTime(file, mtime);
    return file;
  }
}
