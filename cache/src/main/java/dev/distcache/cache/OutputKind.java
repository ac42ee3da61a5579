package dev.distcache.cache;

/** The files a compile result can hold. Ids are stored: never renumber. */
public enum OutputKind {
  OBJECT(1),
  DEPENDENCY(2),
  SPLIT_DWARF(3),
  ASSEMBLY(4);

  private final int id;

  OutputKind(int id) {
    this.id = id;
  }

  public int id() {
    return id;
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
