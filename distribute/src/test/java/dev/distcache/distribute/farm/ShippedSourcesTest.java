package dev.distcache.distribute.farm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.distribute.distcc.PumpFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippedSourcesTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  private static byte[] markers(String... names) {
    StringBuilder b = new StringBuilder("# 0 \"src/a.c\"\n# 0 \"/work//\"\n# 0 \"<built-in>\"\n");
    for (String n : names) {
      b.append("# 1 \"").append(n).append("\" 1 3\nint x;\n");
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theSourceAndTheHeaders_underTheirNormalizedPaths_butNotTheCompilersOwn() throws Exception {
    write("src/a.c", "int main(void) { return 0; }\n");
    write("include/h.h", "#define H 1\n");
    Path sys = write("sys/include/stdio.h", "int puts(const char *);\n");
    Path glib = write("sys/include/glib/glib.h", "int g;\n");
    ShippedSources.Outcome o =
        ShippedSources.collect(
            dir,
            "src/a.c",
            List.of("-c", "-I", dir.resolve("sys/include/glib").toString(), "src/a.c"),
            markers("src/../include/h.h", sys.toString(), glib.toString()),
            List.of(dir.resolve("sys/include")));
    List<PumpFile> files = assertInstanceOf(ShippedSources.Shipped.class, o).files();
    assertEquals(
        List.of(
            dir.resolve("src/a.c").toString(),
            dir.resolve("include/h.h").toString(),
            glib.toString()),
        files.stream().map(PumpFile::name).toList());
    assertArrayEquals(
        "#define H 1\n".getBytes(StandardCharsets.UTF_8),
        ((PumpFile.Regular) files.get(1)).content());
  }

  @Test
  void withNostdinc_theSystemDirectoriesAreShippedToo() throws Exception {
    write("src/a.c", "int x;\n");
    Path sys = write("sys/include/stdio.h", "int puts(const char *);\n");
    ShippedSources.Outcome o =
        ShippedSources.collect(
            dir,
            "src/a.c",
            List.of("-nostdinc", "-c", "src/a.c"),
            markers(sys.toString()),
            List.of(dir.resolve("sys/include")));
    assertEquals(2, assertInstanceOf(ShippedSources.Shipped.class, o).files().size());
  }

  @Test
  void aFileAskingHasIncludeOrTimestamp_orOneThatCannotBeRead_keepsTheCompileLocal()
      throws Exception {
    write("src/a.c", "int x;\n");
    write("include/probe.h", "#if __has_include(\"x.h\")\n#endif\n");
    write("include/when.h", "const char *w = __TIMESTAMP__;\n");
    Files.createDirectories(dir.resolve("include/adir"));
    for (String header :
        List.of("include/probe.h", "include/when.h", "include/gone.h", "include/adir")) {
      ShippedSources.Outcome o =
          ShippedSources.collect(dir, "src/a.c", List.of("src/a.c"), markers(header), List.of());
      String why = assertInstanceOf(ShippedSources.KeepLocal.class, o).why();
      assertTrue(why.contains(dir.resolve(header).toString()), why);
    }
  }

  @Test
  void builtinDirectories_areReadFromThePreprocessorsReport() {
    String report =
        "ignoring nonexistent directory \"/usr/local/include/x86_64-linux-gnu\"\n"
            + "#include \"...\" search starts here:\n"
            + "#include <...> search starts here:\n"
            + " /usr/lib/gcc/x86_64-linux-gnu/12/include\n"
            + " /usr/lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12\n"
            + " /usr/include\n"
            + "End of search list.\n";
    assertEquals(
        Optional.of(
            List.of(
                Path.of("/usr/lib/gcc/x86_64-linux-gnu/12/include"),
                Path.of("/usr/include/c++/12"),
                Path.of("/usr/include"))),
        BuiltinIncludeDirs.parse(report));
    assertEquals(Optional.empty(), BuiltinIncludeDirs.parse("no list here\n"));
  }
}
