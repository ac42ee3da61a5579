package dev.distcache.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigNotesTest {
  final ConfigNotes notes = new ConfigNotes();

  private String untold() {
    return new String(notes.untold(), StandardCharsets.UTF_8);
  }

  @Test
  void eachProblemIsToldOnce_andAllAreKept() {
    assertEquals("", untold());
    notes.record(List.of("a.conf:1: x", "a.conf:2: y"));
    assertEquals("distcache: note: a.conf:1: x\ndistcache: note: a.conf:2: y\n", untold());
    notes.record(List.of("a.conf:1: x", "a.conf:2: y"));
    assertEquals("", untold(), "met again by the next compile: not told again");
    notes.record("$DISTCACHE_HOSTS: bad host entry");
    assertEquals(
        "distcache: note: $DISTCACHE_HOSTS: bad host entry\n", untold(), "a new problem is");
    assertEquals(
        List.of("a.conf:1: x", "a.conf:2: y", "$DISTCACHE_HOSTS: bad host entry"), notes.all());
  }

  @Test
  void isBounded() {
    for (int i = 0; i < ConfigNotes.MAX_NOTES + 50; i++) {
      notes.record("DISTCACHE_MAXSIZE: bad " + i);
    }
    assertEquals(ConfigNotes.MAX_NOTES, notes.all().size());
  }
}
