package dev.distcache.server.pipeline;

import dev.distcache.core.args.DiagnosticsColour;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.args.Language;
import dev.distcache.core.compiler.CompilerType;
import dev.distcache.core.wire.Reply;
import dev.distcache.core.wire.Request;
import java.util.List;
import java.util.Locale;

/**
 * Diagnostics colour as ccache 4.7 handles it, so that a terminal and a pipe, or {@code
 * -fdiagnostics-color} and no option, share one result. The compile is always asked for colour
 * ({@code -fdiagnostics-color} for gcc, {@code -fcolor-diagnostics} for clang but not for assembler
 * sources), after the user's own colour options so that it wins; the result stores the coloured
 * text; and what is played back loses its colour sequences when the user asked for none, or left it
 * to the terminal and the client's stderr is not one (or {@code TERM} is unset or {@code dumb}).
 * The user's colour options are not in the key ({@link DiagnosticsColour}); the flag added here is,
 * and it is the same for every compile of one compiler type ({@link CompilerType}). A compiler that
 * is neither gcc nor clang is asked for nothing, nothing is stripped, and its colour options are
 * ordinary, hashed options.
 */
final class ColorFlags {
  private ColorFlags() {}

  /**
   * The flags added to every run of the compile (not the preprocessor's), which are also hashed:
   * the request for colour, none for a compiler of neither family.
   */
  static List<String> forCompile(Invocation inv, CompilerType type) {
    return switch (type) {
      case GCC -> List.of("-fdiagnostics-color");
      case CLANG, CLANG_CL ->
          inv.language() == Language.ASSEMBLER ? List.of() : List.of("-fcolor-diagnostics");
      default -> List.of();
    };
  }

  /** True when the colour the compile was asked for must be stripped from what the client shows. */
  static boolean strip(Invocation inv, CompilerType type, Request req) {
    if (type != CompilerType.GCC && !type.clangFamily()) {
      return false;
    }
    return switch (DiagnosticsColour.of(inv.colorOption())) {
      case ALWAYS -> false;
      case NEVER -> true;
      case AUTO -> !terminal(req);
    };
  }

  /** {@code reply} as the client must show it: its colour sequences gone when {@code strip}. */
  static Reply playBack(Reply reply, boolean strip) {
    if (!strip || reply.kind() != Reply.Kind.RESULT) {
      return reply;
    }
    return new Reply(
        reply.kind(),
        reply.exitCode(),
        ColourSequences.strip(reply.stdout()),
        ColourSequences.strip(reply.stderr()),
        reply.message(),
        reply.note());
  }

  /** Colour is possible: the client's stderr is a terminal and TERM names one that is not dumb. */
  private static boolean terminal(Request req) {
    String term = req.env().get("TERM");
    return req.stderrIsTty() && term != null && !term.toLowerCase(Locale.ROOT).equals("dumb");
  }
}
