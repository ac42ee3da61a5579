package dev.distcache.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.wire.Request;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForeignAdminTest {
  private static Request admin(String... words) {
    return new Request(Request.Mode.ADMIN, "/", 022, 0, "", List.of(words), Map.of());
  }

  @Test
  void root_mayReadAndClearTheCache_butNeitherExtractNorOpenTheWebMonitor() {
    assertTrue(ForeignAdmin.allows(admin("stats")));
    assertTrue(ForeignAdmin.allows(admin("zero")));
    assertTrue(ForeignAdmin.allows(admin("jobs")));
    assertFalse(ForeignAdmin.allows(admin("extract-result", "00")));
    assertFalse(ForeignAdmin.allows(admin("web", "0")), "a port of this user's opened by root");
    assertFalse(
        ForeignAdmin.allows(
            new Request(Request.Mode.COMPILE, "/", 022, 0, "", List.of("gcc"), Map.of())));
  }
}
