package dev.distcache.server.pipeline;

import dev.distcache.core.args.Invocation;
import dev.distcache.core.wire.Request;
import java.util.List;

/**
 * The compiler colours diagnostics when its stderr is a terminal. The server's pipe is not one, so
 * when the client's stderr is, and the arguments leave colour to the compiler, the compile is asked
 * for colour explicitly (as ccache does); the flag is part of the key.
 */
final class ColorFlags {
  private ColorFlags() {}

  static List<String> forCompile(Invocation inv, String compilerName, Request req) {
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
    return compilerName.contains("clang")
        ? List.of("-fcolor-diagnostics")
        : List.of("-fdiagnostics-color=always");
  }
}
