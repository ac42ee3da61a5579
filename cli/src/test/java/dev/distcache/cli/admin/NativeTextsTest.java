package dev.distcache.cli.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeTextsTest {
  /** The quoted names of JAVA_ZONES in the header, in its order. */
  private static List<String> zones() {
    String header = NativeTexts.header();
    int start = header.indexOf("JAVA_ZONES[] = {\n");
    assertTrue(start >= 0, "no JAVA_ZONES table in the header");
    String table = header.substring(start, header.indexOf("};", start));
    List<String> names = new ArrayList<>();
    for (String line : table.split("\n")) {
      if (line.startsWith("  \"")) {
        names.add(line.substring(3, line.lastIndexOf('"')));
      }
    }
    return names;
  }

  /** admin.c looks TZ up in this table with bsearch and strcmp. */
  @Test
  void header_listsTheZoneIdsTheJvmTakesFromTz_sortedAsStrcmpSortsThem() {
    List<String> zones = zones();

    for (String id : List.of("Europe/Paris", "UTC", "Etc/UTC", "EST5EDT", "America/New_York")) {
      assertTrue(zones.contains(id), id + " missing");
    }
    assertFalse(zones.contains("CET-1CEST,M3.5.0,M10.5.0/3"));
    for (int i = 1; i < zones.size(); i++) {
      assertTrue(
          zones.get(i - 1).compareTo(zones.get(i)) < 0,
          zones.get(i - 1) + " before " + zones.get(i));
      assertTrue(zones.get(i).chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\'));
    }
  }
}
