package dev.distcache.cache;

import dev.distcache.core.args.SideOutput;

/** The files a compile result can hold. Ids are stored: never renumber. */
public enum OutputKind {
  OBJECT(1),
  DEPENDENCY(2),
  SPLIT_DWARF(3),
  ASSEMBLY(4),
  /** gcc's {@code -fstack-usage} file. */
  STACK_USAGE(5),
  /** clang's {@code --serialize-diagnostics} file. */
  DIAGNOSTICS(6),
  /** The assembler's listing ({@code -Wa,-a...=FILE}). */
  ASSEMBLER_LISTING(7);

  private final int id;

  OutputKind(int id) {
    this.id = id;
  }

  public int id() {
    return id;
  }

  /** The kind that stores a compile's side output of kind {@code k}. */
  public static OutputKind of(SideOutput.Kind k) {
    return switch (k) {
      case STACK_USAGE -> STACK_USAGE;
      case DIAGNOSTICS -> DIAGNOSTICS;
      case ASSEMBLER_LISTING -> ASSEMBLER_LISTING;
    };
  }

  public static OutputKind byId(int id) {
    for (OutputKind k : values()) {
      if (k.id == id) {
        return k;
      }
    }
    return null;
  }
}
