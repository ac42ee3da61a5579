package dev.distcache.distribute.distcc;

import java.util.Arrays;
import java.util.List;

/**
 * One compile job as a distcc client sends it. Protocols 1 and 2 carry preprocessed source ({@link
 * Preprocessed}); protocol 3 carries the client's cwd and source files ({@link Pump}). {@code argv}
 * is the compiler command as the client sends it (argv[0] the compiler name); the server
 * substitutes its own input and output paths.
 */
public sealed interface DistccRequest {
  ProtocolVersion version();

  List<String> argv();

  /** Protocol 1 or 2: {@code DIST ARGC ARGV... DOTI}. */
  record Preprocessed(ProtocolVersion version, List<String> argv, byte[] source)
      implements DistccRequest {
    public Preprocessed {
      if (version.serverPreprocesses()) {
        throw new IllegalArgumentException(
            "preprocessed source is sent in protocol 1 or 2, not " + version);
      }
      argv = checkedArgv(argv);
      source = source.clone();
    }

    @Override
    public byte[] source() {
      return source.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Preprocessed p
          && p.version == version
          && p.argv.equals(argv)
          && Arrays.equals(p.source, source);
    }

    @Override
    public int hashCode() {
      return (version.hashCode() * 31 + argv.hashCode()) * 31 + Arrays.hashCode(source);
    }

    @Override
    public String toString() {
      return "Preprocessed[" + version + ", argv=" + argv + ", source=" + source.length + " bytes]";
    }
  }

  /** Protocol 3 (pump mode): {@code DIST CDIR ARGC ARGV... NFIL (NAME FILE|LINK)...}. */
  record Pump(String cwd, List<String> argv, List<PumpFile> files) implements DistccRequest {
    public Pump {
      argv = checkedArgv(argv);
      files = List.copyOf(files);
    }

    @Override
    public ProtocolVersion version() {
      return ProtocolVersion.V3;
    }
  }

  private static List<String> checkedArgv(List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must hold at least the compiler");
    }
    return List.copyOf(argv);
  }
}
