package dev.distcache.remote.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * A validated job: the compiler name, and the client's arguments without the output name (and, in
 * pump mode, without the client's {@code -MF} and first {@code -MT}), which the daemon replaces
 * with its own. {@link #keyArgs} is what the cache key hashes; the server's command line is built
 * from the same list with the daemon's paths.
 *
 * @param compilerName argv[0] as the daemon runs it (after stripping /usr/bin/ or /bin/)
 * @param args the client's arguments, normalized as above
 * @param sourceIndex where in {@code args} the input file is
 * @param assembly {@code -S}: the output is assembly, not an object
 * @param inputExtension protocols 1 and 2: the extension of the preprocessed input ({@code .i},
 *     {@code .ii}, ...), as distccd names it; empty in pump mode
 * @param dotdTarget pump mode: the dependency target the client wants (its {@code -MT}, else its
 *     output name); null otherwise
 * @param storable false when the output records the daemon's own command line ({@code
 *     -frecord-gcc-switches}), so it could not be served to another job
 * @param splitDwarfOutput pump mode with {@code -gsplit-dwarf}: the client's output path, which the
 *     compile must use under the job's root (the object names its {@code .dwo} by it); null
 *     otherwise
 */
public record JobPlan(
    String compilerName,
    boolean pump,
    List<String> args,
    int sourceIndex,
    boolean assembly,
    String inputExtension,
    String dotdTarget,
    boolean storable,
    String splitDwarfOutput) {

  public JobPlan {
    args = List.copyOf(args);
  }

  /** The {@code .dwo} file of a split-DWARF job, beside its output as gcc names it; else null. */
  public String splitDwarfFile() {
    if (splitDwarfOutput == null) {
      return null;
    }
    int slash = splitDwarfOutput.lastIndexOf('/');
    int dot = splitDwarfOutput.lastIndexOf('.');
    return (dot > slash + 1 ? splitDwarfOutput.substring(0, dot) : splitDwarfOutput) + ".dwo";
  }

  /** The input file as the client named it. */
  public String source() {
    return args.get(sourceIndex);
  }

  /** The name the daemon's output gets in its job directory. */
  public String outputName() {
    return assembly ? "output.s" : "output.o";
  }

  /** The normalized arguments as the key sees them: the daemon's names replaced by placeholders. */
  public List<String> keyArgs() {
    List<String> out = new ArrayList<>(args);
    if (!pump) {
      out.set(sourceIndex, "<input>" + inputExtension);
    }
    out.add("-o");
    // a split-DWARF object names its .dwo by the output path: part of the result
    out.add(splitDwarfOutput != null ? splitDwarfOutput : "<output>");
    return out;
  }
}
