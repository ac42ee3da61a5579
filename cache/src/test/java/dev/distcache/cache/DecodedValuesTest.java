package dev.distcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class DecodedValuesTest {
  private static final byte[] K1 = {1};
  private static final byte[] K2 = {2};
  private static final byte[] K3 = {3};

  @Test
  void get_answersOnlyForTheExactBytesRemembered() {
    DecodedValues<String> d = new DecodedValues<>(1000);
    d.put(K1, new byte[] {9, 9}, "nine");
    assertEquals("nine", d.get(K1, new byte[] {9, 9}));
    assertNull(d.get(K1, new byte[] {9, 8}), "the stored bytes changed: decode again");
    assertNull(d.get(K2, new byte[] {9, 9}));
  }

  @Test
  void put_beyondTheLimit_forgetsTheLeastRecentlyUsed() {
    DecodedValues<String> d = new DecodedValues<>(400);
    d.put(K1, new byte[100], "one");
    d.put(K2, new byte[100], "two");
    d.get(K1, new byte[100]);
    d.put(K3, new byte[100], "three");
    d.put(new byte[] {4}, new byte[100], "four");
    d.put(new byte[] {5}, new byte[100], "five");
    assertNull(d.get(K2, new byte[100]));
    assertEquals("one", d.get(K1, new byte[100]));
    assertEquals("five", d.get(new byte[] {5}, new byte[100]));
  }

  @Test
  void put_ofAValueOverAQuarterOfTheLimit_remembersNothing() {
    DecodedValues<String> d = new DecodedValues<>(400);
    d.put(K1, new byte[101], "big");
    assertNull(d.get(K1, new byte[101]));
  }
}
