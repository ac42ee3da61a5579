package dev.distcache.remote.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.args.GccOptionParser;
import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.ProtocolVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever the spelling, an option reaches the daemon's compiler only when its canonical form is on
 * the allow-list, and the compiler is given the canonical form. The oracle here is written apart
 * from {@link RemoteOptions}: the shapes a remote compile may carry, and the options known to run,
 * load, read or write something.
 */
class ArgvPolicyProperties {
  private static final CompilerPolicy COMPILERS =
      new CompilerPolicy(List.of(), List.of("gcc"), "/usr/bin:/bin");

  /** Every shape of option the allow-list admits. */
  private static final Pattern ALLOWED =
      Pattern.compile(
          String.join(
              "|",
              "-c",
              "-S",
              "-ansi",
              "-pedantic",
              "-pedantic-errors",
              "-Wpedantic",
              "-w",
              "-pipe",
              "-pthread",
              "-P",
              "-C",
              "-CC",
              "-H",
              "-p",
              "-pg",
              "-trigraphs",
              "-nostdinc",
              "-nostdinc\\+\\+",
              "-undef",
              "-I-",
              "-MD",
              "-MMD",
              "-MP",
              "-MG",
              "-pie",
              "-no-pie",
              "-static",
              "-shared",
              "-rdynamic",
              "-O([0-3sgz]|fast)?",
              "-std=.*",
              "-[DU].*",
              "-M[TQ].*",
              "-I.*",
              "-isystem.*",
              "-iquote.*",
              "-idirafter.*",
              "-iprefix.*",
              "-iwithprefix.*",
              "-iwithprefixbefore.*",
              "-isysroot.*",
              "--sysroot=.*",
              "-include.*",
              "-imacros.*",
              "--param=[a-z0-9-]+=.+",
              "-g.*",
              "-f.+",
              "-m.+",
              "-W[^,].*",
              "-Wa,.*",
              "-Wp,.*",
              "-Xassembler"));

  /** Options known to run, load, read or write something the client chose. */
  private static final Pattern DANGEROUS =
      Pattern.compile(
          "-B.*|-specs.*|-wrapper.*|-f(no-)?plugin.*|-iplugindir.*|@.*|-f(no-)?dump.*|-f(no-)?profile.*|-save-temps.*"
              + "|-dumpdir.*|-dumpbase.*|-Xpreprocessor|-Xlinker|-Wl,.*|-aux-info.*|-o.*|-MF.*|-f(no-)?module.*"
              + "|-f(no-)?opt-info.*|-f(no-)?self-test.*|-gsplit-dwarf|-x.*|-d.*|--(?!param=|sysroot=).*"
              + "|-fcompare-debug.*|-fstack-usage|-fcallgraph-info.*|--coverage|-ftest-coverage|-fauto-profile.*");

  /** Assembler items that write a listing or dependency file, or name a file. */
  private static final Pattern ASSEMBLER_DANGEROUS =
      Pattern.compile("-a.*|--?M.*|-o.*|@.*|-I.*|--l.*|-Z.*|-K.*");

  private static final List<String> LONG =
      List.of(
          "prefix",
          "pre",
          "pref",
          "specs",
          "spec",
          "for-assembler",
          "for-as",
          "for-a",
          "for-linker",
          "output",
          "write-dependencies",
          "write-dep",
          "write-user-dependencies",
          "include-directory",
          "include",
          "imacros",
          "dumpdir",
          "dumpbase",
          "language",
          "sysroot",
          "param",
          "entry",
          "plugin",
          "dump",
          "dump-tree-all",
          "no-dump-tree-all",
          "profile-use",
          "save-temps",
          "print-file-name",
          "machine",
          "machine-sse4",
          "warn-all",
          "optimize",
          "debug",
          "std",
          "define-macro",
          "undefine-macro",
          "no-plugin",
          "module-mapper",
          "comments",
          "all-warnings",
          "assemble",
          "preprocess",
          "trace-includes",
          "pic",
          "common",
          "wrapper",
          "coverage",
          "profile",
          "no-canonical-prefixes");
  private static final List<String> VALUES =
      List.of(
          "./",
          "/tmp/evil",
          "x.so",
          "-adhln=/tmp/l.lst",
          "--MD",
          "-al",
          "c99",
          "2",
          "X=1",
          "sse4",
          "c",
          "max-inline-insns-auto=5",
          "|sh",
          "/tmp/",
          "-o",
          "--64",
          "--noexecstack",
          "-MD",
          "-B./",
          "@/etc/passwd");
  private static final List<String> FAMILIES =
      List.of(
          "-f", "-fno-", "-m", "-mno-", "-W", "-Wno-", "-g", "-d", "-i", "-B", "-X", "-O", "-M",
          "-W", "-s", "-u", "-e", "-T", "-Z");

  @Property(tries = 3000)
  void anOptionReachesTheCompiler_onlyInACanonicalFormOnTheAllowList(
      @ForAll("argvs") List<String> extra, @ForAll ProtocolVersionChoice version) {
    List<String> argv = new ArrayList<>(List.of("gcc", "-c"));
    argv.addAll(extra);
    argv.addAll(List.of("a.c", "-o", "a.o"));
    DistccRequest r =
        version.pump
            ? new DistccRequest.Pump("/home/u/p", argv, List.of())
            : new DistccRequest.Preprocessed(ProtocolVersion.V1, argv, new byte[0]);
    JobPlan plan;
    try {
      plan = ArgvPolicy.check(r, COMPILERS);
    } catch (JobRefused e) {
      Statistics.label("outcome").collect("refused");
      assertFalse(e.getMessage().isBlank());
      return;
    }
    Statistics.label("outcome").collect("accepted");
    List<String> args = plan.args();
    assertEquals(args, GccOptionParser.canonical(args), "the compiler is given the canonical form");
    for (GccOptionParser.Arg a : GccOptionParser.parse(args)) {
      String o = a.canonical().get(0);
      if (a.spelled().size() == 1 && !o.startsWith("-")) {
        assertEquals("a.c", o, "the only input");
        continue;
      }
      assertTrue(ALLOWED.matcher(o).matches(), o + " is not an allowed shape, in " + argv);
      assertFalse(DANGEROUS.matcher(o).matches(), o + " reached the compiler, from " + argv);
      if (o.equals("-Xassembler")) {
        assertFalse(
            ASSEMBLER_DANGEROUS.matcher(a.canonical().get(1)).matches(), a + " from " + argv);
      }
      if (o.startsWith("-Wa,")) {
        for (String item : o.substring(4).split(",", -1)) {
          assertFalse(ASSEMBLER_DANGEROUS.matcher(item).matches(), item + " from " + argv);
        }
      }
      if (o.startsWith("-Wp,")) {
        for (String item : o.substring(4).split(",", -1)) {
          assertTrue(item.startsWith("-D") || item.startsWith("-U"), item + " from " + argv);
        }
      }
      if (!version.pump) {
        assertFalse(o.startsWith("-include") || o.startsWith("-imacros"), o + " from " + argv);
      } else {
        assertFalse(o.startsWith("--sysroot") || o.startsWith("-isysroot"), o + " from " + argv);
      }
    }
  }

  /** Protocol 1 (the client preprocesses) or 3 (pump mode). */
  enum ProtocolVersionChoice {
    PREPROCESSED(false),
    PUMP(true);

    final boolean pump;

    ProtocolVersionChoice(boolean pump) {
      this.pump = pump;
    }
  }

  @Provide
  Arbitrary<List<String>> argvs() {
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of(VALUES),
            Arbitraries.strings().withChars("-=,./@abcdlhnMDxo").ofMaxLength(8));
    Arbitrary<List<String>> longOption =
        Combinators.combine(Arbitraries.of(LONG), value, Arbitraries.integers().between(0, 2))
            .as((n, v, form) ->
                switch (form) {
                  case 0 -> List.of("--" + n + "=" + v);
                  case 1 -> List.of("--" + n, v);
                  default -> List.of("--" + n);
                });
    Arbitrary<String> family =
        Combinators.combine(
                Arbitraries.of(FAMILIES),
                Arbitraries.strings().withChars("abcdefghilmnoprstuvwxyz-=/.,").ofMaxLength(14))
            .as(String::concat);
    Arbitrary<List<String>> wrapped =
        Combinators.combine(
                Arbitraries.of("-Wa,", "-Wp,", "-Xassembler ", "-Xpreprocessor ", "-Wl,"),
                value,
                value)
            .as((w, x, y) -> w.endsWith(" ") ? List.of(w.strip(), x) : List.of(w + x + "," + y));
    Arbitrary<List<String>> separate =
        Combinators.combine(
                Arbitraries.of(
                    "-o",
                    "-MF",
                    "-B",
                    "-specs",
                    "-wrapper",
                    "-include",
                    "-I",
                    "-D",
                    "-x",
                    "-dumpdir",
                    "-isysroot",
                    "-Xlinker",
                    "--param",
                    "-MT"),
                value)
            .as(List::of);
    Arbitrary<List<String>> one =
        Arbitraries.frequencyOf(
            Tuple.of(4, longOption),
            Tuple.of(4, family.map(List::of)),
            Tuple.of(2, wrapped),
            Tuple.of(2, separate),
            Tuple.of(1, value.map(List::of)));
    return one.list().ofMaxSize(4).map(ls -> ls.stream().flatMap(List::stream).toList());
  }
}
