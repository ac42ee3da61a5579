package dev.distcache.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {
  @Test
  void parseSize_decimalSuffixes() throws ConfigException {
    assertEquals(5_000_000_000L, Values.parseSize("5G"));
    assertEquals(500_000_000L, Values.parseSize("500M"));
    assertEquals(10_000L, Values.parseSize("10k"));
    assertEquals(2_000_000_000_000L, Values.parseSize("2T"));
    assertEquals(1_500_000_000L, Values.parseSize("1.5GB"));
  }

  @Test
  void parseSize_binarySuffixes() throws ConfigException {
    assertEquals(5L << 30, Values.parseSize("5Gi"));
    assertEquals(500L << 20, Values.parseSize("500Mi"));
    assertEquals(3L << 10, Values.parseSize("3Ki"));
    assertEquals(1L << 40, Values.parseSize("1TiB"));
  }

  @Test
  void parseSize_withoutSuffix_meansGigabytes() throws ConfigException {
    assertEquals(7_000_000_000L, Values.parseSize("7"));
    assertEquals(7_000_000_000L, Values.parseSize(" 7 "));
  }

  @Test
  void parseSize_zero_meansNoLimit() throws ConfigException {
    assertEquals(0, Values.parseSize("0"));
    assertEquals(0, Values.parseSize("0G"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "lots", "5X", "5 Gig", "-5G", ".", "G", "1e3", "5Gii"})
  void parseSize_garbage_throwsConfigExceptionQuotingIt(String text) {
    ConfigException e = assertThrows(ConfigException.class, () -> Values.parseSize(text));
    assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
  }

  @Test
  void parseSeconds_numbersAndSuffixes() throws ConfigException {
    assertEquals(600, Values.parseSeconds("600", 's'));
    assertEquals(30, Values.parseSeconds("30s", 's'));
    assertEquals(600, Values.parseSeconds("10m", 's'));
    assertEquals(7200, Values.parseSeconds("2h", 's'));
    assertEquals(86400, Values.parseSeconds("1d", 's'));
    assertEquals(120, Values.parseSeconds("2", 'm'));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "soon", "-1", "5w", "m"})
  void parseSeconds_garbage_throwsConfigException(String text) {
    assertThrows(ConfigException.class, () -> Values.parseSeconds(text, 's'));
  }

  @Test
  void parseBool_falseWordsInAnyCase_restTrue() {
    for (String f : new String[] {"0", "false", "False", "NO", "disable", "off", " no "}) {
      assertFalse(Values.parseBool(f), f);
    }
    for (String t : new String[] {"1", "true", "yes", "", "anything"}) {
      assertTrue(Values.parseBool(t), t);
    }
  }

  @Test
  void formatSize_isCcachesHumanReadableSize_inDecimalUnits() {
    assertEquals("0.5 kB", Values.formatSize(512));
    assertEquals("10.2 kB", Values.formatSize(10240));
    assertEquals("500.0 kB", Values.formatSize(500_000));
    assertEquals("1.5 MB", Values.formatSize(1_536_000));
    assertEquals("1.6 GB", Values.formatSize(1610612736L)); // 1.5Gi
    assertEquals("5.0 GB", Values.formatSize(5_000_000_000L));
    assertEquals("123456.0 GB", Values.formatSize(123_456_000_000_000L));
  }

  @Test
  void formatParsableSize_isCcachesShowConfigSize_andReadsBackAsNearlyTheSame() throws Exception {
    assertEquals("5.0G", Values.formatParsableSize(5_000_000_000L));
    assertEquals("1.1G", Values.formatParsableSize(1023L << 20));
    assertEquals("20.0M", Values.formatParsableSize(20_000_000));
    assertEquals("10240", Values.formatParsableSize(10240));
    assertEquals("0", Values.formatParsableSize(0));
    assertEquals(20_000_000, Values.parseSize(Values.formatParsableSize(20_000_000)));
  }

  @Test
  void formatGigabytes_hasTwoDecimals() {
    assertEquals("0.00", Values.formatGigabytes(0));
    assertEquals("1.54", Values.formatGigabytes(1_536_000_000L));
    assertEquals("5.00", Values.formatGigabytes(5_000_000_000L));
  }

  @Test
  void modeText_isWhatLsShows() {
    assertEquals("rw-r-----", Values.modeText(0640));
    assertEquals("rwxr-xr-x", Values.modeText(0755));
    assertEquals("---------", Values.modeText(0));
  }

  @Test
  void parseUmask_readsOctal_andEmptyIsNone() throws Exception {
    assertEquals(java.util.OptionalInt.of(022), Values.parseUmask("022"));
    assertEquals(java.util.OptionalInt.of(2), Values.parseUmask("2"));
    assertEquals(java.util.OptionalInt.empty(), Values.parseUmask(""));
    assertThrows(ConfigException.class, () -> Values.parseUmask("8"));
    assertThrows(ConfigException.class, () -> Values.parseUmask("1000"));
  }
}
