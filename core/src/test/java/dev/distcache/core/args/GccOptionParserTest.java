package dev.distcache.core.args;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How gcc 12's driver reads long spellings (each checked with gcc -###; see
 * GccOptionParserProperties).
 */
class GccOptionParserTest {
  private static List<String> c(String... argv) {
    return GccOptionParser.canonical(List.of(argv));
  }

  @Test
  void tableAliases_joinedAndSeparate() {
    assertEquals(List.of("-B./"), c("--prefix=./"));
    assertEquals(List.of("-B./"), c("--prefix", "./"));
    assertEquals(List.of("-Xassembler", "-adhln=x"), c("--for-assembler=-adhln=x"));
    assertEquals(List.of("-Xassembler", "-al"), c("--for-assembler", "-al"));
    assertEquals(
        List.of("-MD", "-MMD", "-M", "-MM"),
        c(
            "--write-dependencies",
            "--write-user-dependencies",
            "--dependencies",
            "--user-dependencies"));
    assertEquals(
        List.of("-specs=x", "-ox.o", "-Iinc", "-DX=1", "-xc", "--sysroot=/s", "--param=a=1"),
        c(
            "--specs",
            "x",
            "--output=x.o",
            "--include-directory",
            "inc",
            "--define-macro=X=1",
            "--language",
            "c",
            "--sysroot",
            "/s",
            "--param",
            "a=1"));
    assertEquals(List.of("-dumpdir", "d/"), c("--dumpdir", "d/"));
    assertEquals(
        List.of("-D", ""), c("--define-macro", ""), "an empty value stays a separate word");
    assertEquals(List.of("--define-macro="), c("--define-macro="), "gcc: macro name missing");
  }

  @Test
  void abbreviations_areTakenOnlyWhenUnambiguous_andNeverWithEquals() {
    assertEquals(List.of("-B./"), c("--pref", "./"));
    assertEquals(List.of("-Xassembler", "-al"), c("--for-as", "-al"));
    assertEquals(List.of("-MD"), c("--write-dep"));
    assertEquals(List.of("-O"), c("--optim"));
    assertEquals(List.of("-w"), c("--no-w"), "--no-warnings, before the --no- prefix map");
    assertEquals(
        List.of("-ffor-as=-al"), c("--for-as=-al"), "no abbreviation with =: gcc rejects it");
    assertEquals(List.of("-fas"), c("--as"), "--assemble or --assert: ambiguous");
    assertEquals(List.of("-foutp", "x"), c("--outp", "x"), "--output or --output-pch=: ambiguous");
  }

  @Test
  void prefixMap() {
    assertEquals(
        List.of("-fplugin=x.so", "-fdump-tree-all", "-fno-common"),
        c("--plugin=x.so", "--dump-tree-all", "--no-common"));
    assertEquals(
        List.of("-msse4", "-mno-sse4", "-msse4", "-mavx"),
        c("--machine-sse4", "--machine=no-sse4", "--machine=sse4", "--machine", "avx"));
    assertEquals(
        List.of("-Wall", "-Wno-all", "-O2", "-g3", "-std=c99", "-std=c11"),
        c("--warn-all", "--warn-no-all", "--optimize=2", "--debug=3", "--std=c99", "--std", "c11"));
    assertEquals(
        List.of("-gno-split-dwarf", "-fdebug=no-common"),
        c("--debug=no-split-dwarf", "--debug=no-common"));
  }

  /** clang's --target= is no gcc option; read through gcc's prefix map it would be -ftarget=. */
  @Test
  void clangsTarget_staysAsSpelled() {
    assertEquals(
        List.of("--target=aarch64-linux-gnu", "-c"), c("--target=aarch64-linux-gnu", "-c"));
    assertEquals(List.of("-Xclang", "--no-common"), c("-Xclang", "--no-common"), "cc1's item");
  }

  /**
   * The same for clang's installation, runtime and linker options, and its unused-argument flags.
   */
  @Test
  void clangsLongOptions_stayAsSpelled_butNotThoseAKeyCannotFollow() {
    for (String a :
        List.of(
            "--gcc-toolchain=/opt/gcc",
            "--gcc-install-dir=/usr/lib/gcc/x86_64-linux-gnu/12",
            "--rtlib=compiler-rt",
            "--unwindlib=libunwind",
            "--ld-path=/usr/bin/ld.lld",
            "--start-no-unused-arguments",
            "--end-no-unused-arguments")) {
      assertEquals(List.of(a, "-c"), c(a, "-c"), a);
    }
    assertEquals(List.of("-fconfig=x.cfg"), c("--config=x.cfg"), "a file of options: not kept");
    assertEquals(List.of("-fdriver-mode=g++"), c("--driver-mode=g++"));
    assertEquals(List.of("-fgcc-toolchain="), c("--gcc-toolchain="), "no value: gcc's reading");
  }

  @Test
  void wrappedItems_andValues() {
    assertEquals(List.of("-Wp,-MD,x.d"), c("-Wp,--write-dependencies,x.d"));
    assertEquals(List.of("-Xpreprocessor", "-MD"), c("-Xpreprocessor", "--write-dependencies"));
    assertEquals(List.of("-o", "--prefix=x"), c("-o", "--prefix=x"), "a value is never an option");
    assertEquals(List.of("--prefix"), c("--prefix"), "missing its value");
  }
}
