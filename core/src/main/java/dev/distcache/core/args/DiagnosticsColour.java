package dev.distcache.core.args;

import dev.distcache.core.compiler.CompilerType;
import java.util.Optional;

/**
 * What the arguments ask of diagnostics colour, as gcc and clang spell it. ccache leaves a
 * compiler's own colour options out of the key (the compile is always asked for colour and the
 * colour is stripped when shown where it is not wanted), so the classifier keeps them out of the
 * key too. clang takes both families' spellings ({@code -fdiagnostics-color=never} included); gcc
 * takes only its own, and clang's are ordinary options for it: gcc rejects {@code
 * -fcolor-diagnostics}, and the compile must fail as it would.
 */
public enum DiagnosticsColour {
  /** Colour when stderr is a terminal: no option, or {@code -fdiagnostics-color=auto}. */
  AUTO,
  /** {@code -fdiagnostics-color}, {@code =always}, or clang's {@code -fcolor-diagnostics}. */
  ALWAYS,
  /** {@code -fno-diagnostics-color}, {@code =never}, or clang's {@code -fno-color-diagnostics}. */
  NEVER;

  /** The choice {@code option} makes, or empty when it is not a colour option. */
  public static Optional<DiagnosticsColour> of(String option) {
    return switch (option) {
      case "-fdiagnostics-color", "-fdiagnostics-color=always", "-fcolor-diagnostics" ->
          Optional.of(ALWAYS);
      case "-fno-diagnostics-color", "-fdiagnostics-color=never", "-fno-color-diagnostics" ->
          Optional.of(NEVER);
      case "-fdiagnostics-color=auto" -> Optional.of(AUTO);
      default -> Optional.empty();
    };
  }

  /** True when {@code option} is one of the colour options of a compiler of {@code type}. */
  public static boolean isOption(CompilerType type, String option) {
    return of(option).isPresent()
        && switch (type) {
          case GCC -> option.contains("diagnostics-color");
          case CLANG, CLANG_CL -> true;
          default -> false;
        };
  }

  /** The choice of the last colour option in {@code option}, or {@link #AUTO} for none. */
  public static DiagnosticsColour of(Optional<String> option) {
    return option.flatMap(DiagnosticsColour::of).orElse(AUTO);
  }
}
