package dev.distcache.core.args;

import java.util.List;
import java.util.Optional;

/**
 * A compiler call that distcache can cache: one source, compiled to an object ({@code -c}) or to
 * assembly ({@code -S}), with every output it will write named.
 *
 * @param compiler argv[0] as given
 * @param args the arguments as given (response files not expanded): what the real compile runs
 * @param language the source language the driver will use
 * @param source the source path as given
 * @param assembly true for {@code -S}
 * @param output the object (or assembly) path the compiler writes, as the compiler sees it
 * @param outputExplicit true when {@code -o} named the output
 * @param depFile the dependency file the compile writes ({@code -MD}, {@code -MMD}, {@code
 *     -Wp,-MD,file}), if any
 * @param depTargetExplicit true when the dependency file's targets do not follow {@code -o}: {@code
 *     -MT} or {@code -MQ} name them, or the preprocessor picks its default (no {@code -o}, or only
 *     {@code -Wp,-MD,FILE}); false when the driver passes the output path on as the target
 * @param depTargets the targets the dependency file names, as gcc writes them (see {@link
 *     DepTargets})
 * @param dwoFile the split-DWARF file the compile writes, if any
 * @param keyArgs the arguments that decide the outputs, without the source, the output and
 *     dependency-file paths (they are hashed separately or do not matter)
 * @param preprocessorArgs response-file-expanded arguments for the {@code -E} run that keys the
 *     compile: the original ones without {@code -c}/{@code -S}, {@code -o} and dependency-file
 *     options; the source included; {@code -E} not included
 * @param debugInfo the compile emits debug info, so working directory and file paths reach it
 * @param prefixMaps debug and file prefix maps, in command-line order
 * @param colorOption the last diagnostics colour option given ({@link DiagnosticsColour}), if any;
 *     it is in {@code args} but not in {@code keyArgs} or {@code preprocessorArgs}
 * @param nativeCpu {@code -march=native} or similar: the key must include this machine's CPU
 * @param recordsSwitches {@code -frecord-gcc-switches}: the command line is stored in the object
 * @param directModeOff the argument that keeps direct mode from this compile, if any: one that
 *     passes options to the preprocessor behind the driver's back ({@code -Xpreprocessor}, {@code
 *     -Wp,} other than {@code -Wp,-D...} and the dependency forms), or {@code -P}, which drops the
 *     line markers that list the include files
 * @param objectExpected false for {@code -fsyntax-only}: the compile writes no object (nor
 *     assembly), and a result holds none
 * @param sideOutputs the other files the compile writes ({@code .su}, a serialized diagnostics
 *     file, an assembler listing), stored with the result
 * @param keyFiles files the compiler reads whose content enters the key, as given (sanitizer ignore
 *     lists)
 */
public record Invocation(
    String compiler,
    List<String> args,
    Language language,
    String source,
    boolean assembly,
    String output,
    boolean outputExplicit,
    Optional<String> depFile,
    boolean depTargetExplicit,
    List<String> depTargets,
    Optional<String> dwoFile,
    List<KeyArg> keyArgs,
    List<String> preprocessorArgs,
    boolean debugInfo,
    List<PrefixMap> prefixMaps,
    Optional<String> colorOption,
    boolean nativeCpu,
    boolean recordsSwitches,
    Optional<String> directModeOff,
    boolean objectExpected,
    List<SideOutput> sideOutputs,
    List<String> keyFiles) {

  public Invocation {
    sideOutputs = List.copyOf(sideOutputs);
    keyFiles = List.copyOf(keyFiles);
    args = List.copyOf(args);
    depTargets = List.copyOf(depTargets);
    keyArgs = List.copyOf(keyArgs);
    preprocessorArgs = List.copyOf(preprocessorArgs);
    prefixMaps = List.copyOf(prefixMaps);
  }
}
