package dev.distcache.cache.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpSettingsTest {
  private static final String KEY =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  private static HttpSettings settings(String entry) {
    return HttpSettings.of(RemoteSpec.parse(entry));
  }

  private static String refused(String entry) {
    return assertThrows(IllegalArgumentException.class, () -> settings(entry)).getMessage();
  }

  @Test
  void tlsAttributes_makeAContextForHttpsOnly_andNameWhatIsWrong() {
    assertEquals(null, settings("https://h/c").tls(), "the JDK's own trust");
    assertTrue(
        refused("http://h/c|tls-ca=/ca.pem")
            .contains("has tls-ca, tls-cert or tls-key but is not"));
    assertTrue(
        refused("https://h/c|tls-cert=/c.pem").contains("tls-cert and tls-key go together"),
        refused("https://h/c|tls-cert=/c.pem"));
    String missing = refused("https://h/c|tls-ca=/no/such/ca.pem");
    assertTrue(missing.contains("tls-ca") && missing.contains("/no/such/ca.pem"), missing);
  }

  @Test
  void uri_eachLayout_asCcacheLaysItOut() {
    assertEquals(
        URI.create(
            "http://h:8080/c/01/23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        settings("http://h:8080/c").uri(KEY));
    assertEquals(URI.create("http://h/c/" + KEY), settings("http://h/c/|layout=flat").uri(KEY));
    assertEquals(URI.create("https://h/ac/" + KEY), settings("https://h|layout=bazel").uri(KEY));
  }

  @Test
  void userInfo_isPercentDecodedIntoBasicAuthentication_andLeftOutOfTheUrl() {
    HttpSettings s = settings("http://me:a%2Fb+c%40d@h/c");
    String expected =
        "Basic "
            + Base64.getEncoder().encodeToString("me:a/b+c@d".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(new HttpSettings.Header("Authorization", expected)), s.headers());
    assertEquals(URI.create("http://h/c/"), s.base());
    assertEquals("http://me:***@h/c", s.name());
  }

  @Test
  void bearerTokenAndHeaders_areSentInOrder() {
    HttpSettings s = settings("http://h/c|bearer-token=t0k|header=X-A=1|header=X-B=b=2");
    assertEquals(
        List.of(
            new HttpSettings.Header("Authorization", "Bearer t0k"),
            new HttpSettings.Header("X-A", "1"),
            new HttpSettings.Header("X-B", "b=2")),
        s.headers());
  }

  @Test
  void timeoutsAndKeepAlive_comeFromTheEntry() {
    HttpSettings s =
        settings("http://h/c|connect-timeout=50|operation-timeout=700|keep-alive=false");
    assertEquals(Duration.ofMillis(50), s.connectTimeout());
    assertEquals(Duration.ofMillis(700), s.operationTimeout());
    assertFalse(s.keepAlive());
    assertTrue(settings("http://h/c").keepAlive());
  }

  @Test
  void malformedEntries_areRefusedWithAMessageThatHidesThePassword() {
    assertTrue(refused("http://u:pw@h/c|layout=deep").contains("layout=deep"));
    assertTrue(refused("http://h/c|layout=deep").contains("not subdirs, flat or bazel"));
    assertTrue(refused("http://h/c|keep-alive=maybe").contains("keep-alive=maybe"));
    assertTrue(refused("ftp://h/c").contains("not an http:// or https:// URL"));
    assertTrue(refused("http:h/c").contains("has no host"));
    assertTrue(refused("http://h:99999/c").contains("above 65535"));
    assertTrue(refused("http://h/c?x=1").contains("query or fragment"));
    assertTrue(refused("http://h/c|header=novalue").contains("header=NAME=VALUE"));
    assertTrue(refused("http://h/c|header=Host=evil").contains("header Host"));
    assertTrue(refused("http://u:pw@h/c|bearer-token=t").contains("both"));
    assertTrue(
        refused("http://h/c|bearer-token=t|header=Authorization=x").contains("Authorization"));
    for (String entry :
        List.of("http://u:sekrit@h /c", "http://u:sekrit@h/c%zz", "http://u:sekrit%zz@h/c")) {
      String message = refused(entry);
      assertTrue(message.contains("u:***@"), message);
      assertFalse(message.contains("sekrit"), message);
    }
  }
}
