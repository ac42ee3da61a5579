package dev.distcache.distribute.hosts;

import java.util.List;

/**
 * A parsed host list in its written order (earlier hosts are preferred) with its global words.
 *
 * @param randomize {@code --randomize}: shuffle the hosts before use
 * @param localSlots {@code --localslots=N}: local compiles at once when hosts are busy (distcc: 4)
 * @param localSlotsCpp {@code --localslots_cpp=N}: local preprocessors at once (distcc: 8)
 * @param zeroconf {@code +zeroconf} was listed; distcache does not browse mDNS, so it adds no host
 * @param source where the list came from, for messages (e.g. {@code $DISTCC_HOSTS})
 */
public record HostList(
    List<HostSpec> hosts,
    boolean randomize,
    int localSlots,
    int localSlotsCpp,
    boolean zeroconf,
    String source) {
  public static final int DEFAULT_LOCAL_SLOTS = 4;
  public static final int DEFAULT_LOCAL_SLOTS_CPP = 8;

  public HostList {
    hosts = List.copyOf(hosts);
  }

  /** The same list with {@code kept} as its hosts (a subset, in the order to use them). */
  public HostList withHosts(List<HostSpec> kept) {
    return new HostList(kept, randomize, localSlots, localSlotsCpp, zeroconf, source);
  }

  /**
   * The list in canonical form: one host a line ({@link HostSpec#toString()}), then the global
   * words that differ from distcc's defaults. It parses back to an equal list (but for {@link
   * #source}): {@code distcache hosts} shows it and {@code distcache hosts --set} writes it.
   */
  public String text() {
    StringBuilder s = new StringBuilder();
    for (HostSpec h : hosts) {
      s.append(h).append('\n');
    }
    if (randomize) {
      s.append("--randomize\n");
    }
    if (localSlots != DEFAULT_LOCAL_SLOTS) {
      s.append("--localslots=").append(localSlots).append('\n');
    }
    if (localSlotsCpp != DEFAULT_LOCAL_SLOTS_CPP) {
      s.append("--localslots_cpp=").append(localSlotsCpp).append('\n');
    }
    if (zeroconf) {
      s.append("+zeroconf\n");
    }
    return s.toString();
  }
}
