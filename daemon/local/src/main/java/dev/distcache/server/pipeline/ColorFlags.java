package dev.distcache.server.pipeline;

import dev.distcache.core.args.DiagnosticsColour;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.args.Language;
import dev.distcache.core.wire.Reply;
import dev.distcache.core.wire.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * and it is the same for every compile of one compiler family. A compiler that is neither gcc nor
 * clang is asked for nothing and nothing is stripped; the user's colour choice is then keyed.
 */
final class ColorFlags {
  /** Which options a compiler understands, guessed from its name as ccache does. */
  enum Family {
    GCC,
    CLANG,
    OTHER;

    /**
     * The family of {@code compiler}, by the name of the file its symbolic links lead to: {@code
     * clang} in it is clang, {@code gcc} or {@code g++} is gcc (ccache's guess_compiler).
     */
    static Family of(Path compiler) {
      Path p = compiler;
      for (int i = 0; i < 40 && Files.isSymbolicLink(p); i++) {
        try {
          Path target = Files.readSymbolicLink(p);
          p = target.isAbsolute() || p.getParent() == null ? target : p.getParent().resolve(target);
        } catch (IOException e) {
          break;
        }
      }
      Path file = p.getFileName();
      String name = file == null ? "" : file.toString().toLowerCase(Locale.ROOT);
      int dot = name.lastIndexOf('.');
      if (dot > 0) {
        name = name.substring(0, dot);
      }
      if (name.contains("clang")) {
        return CLANG;
      }
      return name.contains("gcc") || name.contains("g++") ? GCC : OTHER;
    }
  }

  private ColorFlags() {}

  /**
   * The flags added to every run of the compile (not the preprocessor's), which are also hashed:
   * the request for colour; for a compiler of neither family, which adds nothing, the user's colour
   * option itself, so that different choices are keyed apart.
   */
  static List<String> forCompile(Invocation inv, Family family) {
    return switch (family) {
      case GCC -> List.of("-fdiagnostics-color");
      case CLANG ->
          inv.language() == Language.ASSEMBLER ? List.of() : List.of("-fcolor-diagnostics");
      case OTHER -> inv.colorOption().map(List::of).orElse(List.of());
    };
  }

  /** True when the colour the compile was asked for must be stripped from what the client shows. */
  static boolean strip(Invocation inv, Family family, Request req) {
    if (family == Family.OTHER) {
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
