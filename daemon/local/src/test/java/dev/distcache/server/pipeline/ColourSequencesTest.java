package dev.distcache.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ColourSequencesTest {
  private static String strip(String s) {
    return new String(
        ColourSequences.strip(s.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  @Test
  void strip_removesGccsColourAndEraseSequences() {
    assertEquals(
        "w.c:1:46: warning: division by zero [-Wdiv-by-zero]\n",
        strip(
            "\u001b[01m\u001b[Kw.c:1:46:\u001b[m\u001b[K \u001b[01;35m\u001b[Kwarning: \u001b[m"
                + "\u001b[Kdivision by zero [\u001b[01;35m\u001b[K-Wdiv-by-zero\u001b[m\u001b[K]\n"));
  }

  @Test
  void strip_leavesTextWithoutEscapesAlone() {
    assertEquals("plain ‘text’\n", strip("plain ‘text’\n"));
  }

  @Test
  void strip_stopsAtTheFirstEscapeThatIsNotAColourSequence() {
    assertEquals(
        "a b\u001b]8;;x\u001b\\c\u001b[1md", strip("a\u001b[1m b\u001b]8;;x\u001b\\c\u001b[1md"));
    assertEquals("x\u001b[1", strip("\u001b[0mx\u001b[1"));
    assertEquals("x\u001b[1H y", strip("x\u001b[1H y"));
  }

  @Test
  void strip_takesIntermediateBytesBeforeTheFinalOne() {
    assertEquals("ab", strip("a\u001b[1 mb"));
  }
}
