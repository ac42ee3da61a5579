package dev.distcache.server.pipeline;

import dev.distcache.core.args.Invocation;
import dev.distcache.core.compiler.CompilerType;
import dev.distcache.core.wire.Request;
import java.util.List;

/**
 * The compiler colours diagnostics when its stderr is a terminal. The server's pipe is not one, so
 * when the client's stderr is, and the arguments leave colour to the compiler, the compile is asked
 * for colour explicitly (as ccache does); the flag is part of the key.
 */
final class ColorFlags {
  private ColorFlags() {}

  /**
   * The flag asking {@code type} for colour: clang's spelling for clang, gcc's for gcc, none for
   * other compilers (as ccache: they are not expected to colour their output).
   */
  static List<String> forCompile(Invocation inv, CompilerType type, Request req) {
    if (inv.colorExplicit() || !req.stderrIsTty()) {
      return List.of();
    }
    String term = req.env().get("TERM");
    if (term == null || term.equals("dumb")) {
      return List.of();
    }
    String gccColors = req.env().get("GCC_COLORS");
    if (gccColors != null && gccColors.isEmpty()) {
      return List.of();
    }
    if (type.clangFamily()) {
      return List.of("-fcolor-diagnostics");
    }
    return type == CompilerType.GCC ? List.of("-fdiagnostics-color=always") : List.of();
  }
}
