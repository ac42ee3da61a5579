package dev.distcache.core.args;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The side outputs a command line asks for ({@code -fstack-usage}, {@code --serialize-diagnostics
 * FILE}, an assembler listing), gathered while the classifier reads the arguments and named as gcc
 * names them once the output is known.
 */
final class SideOutputRequests {
  private boolean stackUsage;
  private boolean auxNamesChosen;
  private String diagnosticsFile;
  private boolean listingSeen;
  private String listingFile;

  void stackUsage() {
    stackUsage = true;
  }

  /** {@code -dumpbase}, {@code -dumpdir} or {@code -dumpbase-ext}: gcc names aux files by them. */
  void auxNamesChosen() {
    auxNamesChosen = true;
  }

  void diagnostics(String file) {
    diagnosticsFile = file;
  }

  /**
   * One {@code -Wa,} item that asks for a listing ({@link AssemblerOptions#isListing}). Returns the
   * item as it enters the key (the file, which does not reach the listing, as {@code file}, as in
   * ccache), or null when a listing was asked for already: ccache does not cache two.
   */
  String listing(String item) {
    if (listingSeen) {
      return null;
    }
    listingSeen = true;
    int eq = item.indexOf('=');
    if (eq < 0 || eq == item.length() - 1) {
      return item; // the listing goes to standard output
    }
    listingFile = item.substring(eq + 1);
    return item.substring(0, eq + 1) + "file";
  }

  /**
   * The files, for a compile writing {@code out} ({@code outputIsDevNull} when that is /dev/null);
   * empty when gcc's name for one cannot be predicted.
   */
  Optional<List<SideOutput>> name(
      String out,
      boolean explicitOutput,
      boolean outputIsDevNull,
      String source,
      boolean assembly,
      boolean syntaxOnly) {
    List<SideOutput> files = new ArrayList<>();
    if (stackUsage) {
      if (auxNamesChosen) {
        return Optional.empty(); // gcc names it after -dumpbase/-dumpdir then
      }
      // gcc 12 writes it beside the output with .su for its suffix (after the source for -o
      // /dev/null), even with -fsyntax-only (then empty)
      boolean named = explicitOutput && !outputIsDevNull;
      files.add(
          new SideOutput(
              SideOutput.Kind.STACK_USAGE, OutputNames.beside(out, named, source, ".su")));
    }
    if (diagnosticsFile != null) {
      files.add(new SideOutput(SideOutput.Kind.DIAGNOSTICS, diagnosticsFile));
    }
    if (listingFile != null && !assembly && !syntaxOnly) {
      // -S and -fsyntax-only run no assembler, so no listing
      files.add(new SideOutput(SideOutput.Kind.ASSEMBLER_LISTING, listingFile));
    }
    return Optional.of(files);
  }
}
