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
}
