package dev.distcache.cache.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How {@code redis://} and {@code redis+unix:} URLs are read, as ccache spells them. */
class RedisUrlTest {
  @Test
  void hostAloneTakesTheDefaultPortAndDatabaseZeroWithoutCredentials() {
    RedisUrl u = RedisUrl.parse("redis://cache.example");
    assertEquals("cache.example", u.host());
    assertEquals(6379, u.port());
    assertEquals(0, u.database());
    assertNull(u.user());
    assertNull(u.password());
    assertNull(u.socket());
  }

  @Test
  void portAndDatabase() {
    RedisUrl u = RedisUrl.parse("redis://10.0.0.1:7000/5");
    assertEquals("10.0.0.1", u.host());
    assertEquals(7000, u.port());
    assertEquals(5, u.database());
    assertEquals(0, RedisUrl.parse("redis://h:1/").database());
  }

  @Test
  void anEmptyHostIsLocalhostAsInCcache() {
    assertEquals("localhost", RedisUrl.parse("redis://").host());
    assertEquals("localhost", RedisUrl.parse("redis://:6380").host());
  }

  @Test
  void ipv6AddressInBrackets() {
    RedisUrl u = RedisUrl.parse("redis://[::1]:6380/2");
    assertEquals("::1", u.host());
    assertEquals(6380, u.port());
    assertEquals(2, u.database());
  }

  @Test
  void passwordAloneIsTheDefaultUsersPassword() {
    RedisUrl u = RedisUrl.parse("redis://s3cret@h");
    assertNull(u.user());
    assertEquals("s3cret", u.password());
    RedisUrl colon = RedisUrl.parse("redis://:s3cret@h");
    assertNull(colon.user());
    assertEquals("s3cret", colon.password());
  }

  @Test
  void userAndPasswordArePercentDecoded() {
    RedisUrl u = RedisUrl.parse("redis://build%20bot:p%40ss%3Aw+rd%2F@h:1");
    assertEquals("build bot", u.user());
    assertEquals("p@ss:w+rd/", u.password()); // a + stays a +
    assertEquals("h", u.host());
  }

  @Test
  void toStringHidesThePassword() {
    String s = RedisUrl.parse("redis://bob:hunter2@h:1/3").toString();
    assertFalse(s.contains("hunter2"), s);
    assertTrue(s.contains("bob:***@h:1/3"), s);
  }

  @Test
  void unixSocketSpellings() {
    for (String url :
        new String[] {
          "redis+unix:/run/redis.sock", "redis+unix:///run/redis.sock",
          "redis+unix://localhost/run/redis.sock", "REDIS+UNIX:/run/redis.sock"
        }) {
      RedisUrl u = RedisUrl.parse(url);
      assertEquals(Path.of("/run/redis.sock"), u.socket(), url);
      assertNull(u.host(), url);
      assertEquals(0, u.database(), url);
      assertNull(u.password(), url);
    }
  }

  @Test
  void unixSocketWithDatabaseAndCredentials() {
    RedisUrl u = RedisUrl.parse("redis+unix://al:pw%40@/tmp/my%20dir/r.sock?db=7");
    assertEquals(Path.of("/tmp/my dir/r.sock"), u.socket());
    assertEquals(7, u.database());
    assertEquals("al", u.user());
    assertEquals("pw@", u.password());
    assertEquals("pw", RedisUrl.parse("redis+unix://pw@localhost/r.sock").password());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://h/x",
        "redis:h",
        "redis://h:port",
        "redis://h:0",
        "redis://h:65536",
        "redis://h:-1",
        "redis://h/db1",
        "redis://h/1/2",
        "redis://h/-1",
        "redis://h/99999999999",
        "redis://h?db=1",
        "redis://h#x",
        "redis://::1:6379",
        "redis://[::1",
        "redis://[::1]x",
        "redis://u:p%zz@h",
        "redis+unix:",
        "redis+unix:relative.sock",
        "redis+unix://",
        "redis+unix://other.host/r.sock",
        "redis+unix:/r.sock?db=x",
        "redis+unix:/r.sock?timeout=3",
        "redis+unix:/r.sock#x",
      })
  void malformedUrlsAreRefusedNamingTheUrl(String url) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse(url));
    assertTrue(e.getMessage().contains(RedisUrl.redact(url)), e.getMessage());
  }

  @Test
  void aRefusedUrlIsNamedWithoutItsPassword() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> RedisUrl.parse("redis://bob:hunter2@h:nope"));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertTrue(e.getMessage().contains("redis://bob:***@h:nope"), e.getMessage());
    assertTrue(e.getMessage().contains("port"), e.getMessage());
  }
}
