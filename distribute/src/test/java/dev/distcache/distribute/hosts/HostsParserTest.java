package dev.distcache.distribute.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.distribute.distcc.ProtocolVersion;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** distcc's documented examples (distcc(1), hosts.c) and the edge cases around them. */
class HostsParserTest {
  private static final HostOptions LZO = new HostOptions(true, false, false, false, "", false);
  private static final HostOptions PUMP = new HostOptions(true, true, false, false, "", false);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          localhost                         | localhost/2
          localhost/3                       | localhost/3
          localhost:3632                    | localhost:3632/4
          buildbox                          | buildbox:3632/4
          buildbox/8                        | buildbox:3632/8
          buildbox:4000                     | buildbox:4000/4
          buildbox:4000/8                   | buildbox:4000/8
          buildbox/8:4000                   | buildbox:4000/8
          buildbox/8:4000,lzo               | buildbox:4000/8,lzo
          192.168.0.7,lzo,cpp               | 192.168.0.7:3632/4,lzo,cpp
          farm-1.example.com,cpp,lzo        | farm-1.example.com:3632/4,lzo,cpp
          [::1]                             | [::1]:3632/4
          [fe80::1%eth0]:3633/2,lzo         | [fe80::1%eth0]:3633/2,lzo
          [2001:db8::7]/6                   | [2001:db8::7]:3632/6
          host,down                         | host:3632/4,down
          host,auth                         | host:3632/4,auth
          host,auth=distccd                 | host:3632/4,auth=distccd
          host:4000,distcache               | host:4000/4,distcache
          @buildbox                         | @buildbox/4
          joe@buildbox                      | joe@buildbox/4
          joe@buildbox/5                    | joe@buildbox/5
          joe@buildbox:/opt/bin/distccd     | joe@buildbox/4:/opt/bin/distccd
          joe@buildbox/5:/opt/distccd,lzo   | joe@buildbox/5:/opt/distccd,lzo
          @buildbox,lzo,cpp                 | @buildbox/4,lzo,cpp
          """)
  void parse_entry_givesTheCanonicalForm(String entry, String canonical) throws HostsException {
    HostList list = HostsParser.parse(entry, "$DISTCC_HOSTS");
    assertEquals(1, list.hosts().size());
    assertEquals(canonical, list.hosts().getFirst().toString());
    assertEquals(
        list.hosts(),
        HostsParser.parse(canonical, "again").hosts(),
        "the canonical form parses to the same");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          host,lzo,bogus         | unknown option "bogus"
          host,lzofoo            | unknown option "lzofoo"
          host,cpp               | pump mode (cpp) requires compression (lzo)
          host,lzo,distcache     | distcache selects the native protocol
          host,tls,lzo           | distcache selects the native protocol
          host,tlsx              | unknown option "tlsx"
          host:abc               | the port must be a number
          host:                  | the port must be a number
          host:0                 | the port must be a number from 1 up
          host:70000             | port 70000 is not from 1 to 65535
          host/0                 | the limit must be a number from 1 up
          host/4x                | unexpected "x"
          host/2:3632/4          | the limit is given twice
          host,lzo:3632          | unknown option "lzo:3632"
          host=3                 | "host=3" is not a host name
          [::1                   | needs its closing ']'
          [nothex]               | "nothex" is not an IPv6 address
          :3632                  | a host name is required
          joe@                   | a host name is required
          joe@box:               | the ssh command after ':' is empty
          j!o@box                | "j!o" is not a user name
          host,auth=d@FARM       | "host,auth=d" is not a user name
          localhost/2,lzo        | localhost takes only a limit
          --localslots           | --localslots needs a count
          --localslots=0         | the count must be a number from 1 up
          --localslots_cpp=x     | the count must be a number from 1 up
          --randomise            | unknown global option
          """)
  void parse_badEntry_namesTheSourceTheEntryAndTheProblem(String entry, String problem) {
    HostsException e =
        assertThrows(
            HostsException.class, () -> HostsParser.parse("good " + entry, "/etc/distcc/hosts"));
    assertTrue(
        e.getMessage().startsWith("/etc/distcc/hosts:1:"), e.getMessage() + ": names the line");
    assertTrue(e.getMessage().contains(": bad host entry \""), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          a\\n  b\\n  c:x/2           | 3:5  | "c:x/2": the port must be a number
          a # c:x\\nb,lzo,zzz        | 2:7  | unknown option "zzz"
          ok\\n\\tbad!host           | 2:2  | "bad!host" is not a host name
          a b:70000                  | 1:5  | port 70000 is not from 1 to 65535
          a\\nb/0                    | 2:3  | the limit must be a number from 1 up
          x,cpp                      | 1:2  | pump mode (cpp) requires compression
          """)
  void parse_badEntry_namesTheLineAndColumnOfTheProblem(String text, String at, String problem) {
    HostsException e =
        assertThrows(
            HostsException.class,
            () -> HostsParser.parse(text.replace("\\n", "\n").replace("\\t", "\t"), "f"));
    assertTrue(e.getMessage().startsWith("f:" + at + ": bad host entry "), e.getMessage());
    assertTrue(e.getMessage().contains(problem), e.getMessage());
  }

  @Test
  void parse_globalWordsAndComments() throws HostsException {
    HostList list =
        HostsParser.parse(
            """
            # the farm
            --randomize --localslots=3 --localslots_cpp=12
            a/2 b:4000,lzo   # the fast one
            c#comment ends the word
            +zeroconf
            """,
            "hosts");
    assertTrue(list.randomize());
    assertTrue(list.zeroconf());
    assertEquals(3, list.localSlots());
    assertEquals(12, list.localSlotsCpp());
    assertEquals(
        List.of(
            new HostSpec.Tcp("a", 3632, 2, HostOptions.NONE),
            new HostSpec.Tcp("b", 4000, 4, LZO),
            new HostSpec.Tcp("c", 3632, 4, HostOptions.NONE)),
        list.hosts());
    assertEquals(
        "a:3632/2\nb:4000/4,lzo\nc:3632/4\n--randomize\n--localslots=3\n--localslots_cpp=12\n+zeroconf\n",
        list.text());
    assertEquals(list, HostsParser.parse(list.text(), "hosts"), "the text parses back");
  }

  @Test
  void text_ofEveryKindOfEntry_parsesBackToTheSameList() throws HostsException {
    HostList list =
        HostsParser.parse(
            "localhost/3 [::1]:4000/2,tls me@box/2:/opt/distccd,lzo,cpp h,auth=a,down h2/8,distcache",
            "x");
    assertEquals(list, HostsParser.parse(list.text(), "x"));
    assertEquals(5, list.text().lines().count(), list.text());
  }

  @Test
  void parse_defaults_matchDistcc() throws HostsException {
    HostList list = HostsParser.parse("localhost h @s", "x");
    assertFalse(list.randomize());
    assertEquals(4, list.localSlots());
    assertEquals(8, list.localSlotsCpp());
    assertEquals(
        List.of(
            new HostSpec.Local(2),
            new HostSpec.Tcp("h", 3632, 4, HostOptions.NONE),
            new HostSpec.Ssh("", "s", 4, "", HostOptions.NONE)),
        list.hosts());
  }

  @Test
  void parse_emptyOrOnlyComments_isAnEmptyList() throws HostsException {
    assertEquals(List.of(), HostsParser.parse("", "x").hosts());
    assertEquals(List.of(), HostsParser.parse("  # nothing\n\t\n", "x").hosts());
  }

  @Test
  void options_selectTheDistccProtocol() throws HostsException {
    assertEquals(
        ProtocolVersion.V1,
        ((HostSpec.Tcp) HostsParser.parse("h", "x").hosts().getFirst()).options().distccProtocol());
    assertEquals(ProtocolVersion.V2, LZO.distccProtocol());
    assertEquals(ProtocolVersion.V3, PUMP.distccProtocol());
  }

  @Test
  void tls_isTheNativeProtocolOverTls_andWritesBackAsTls() throws HostsException {
    HostSpec.Tcp t = (HostSpec.Tcp) HostsParser.parse("build1:4000/8,tls", "x").hosts().getFirst();
    assertTrue(t.options().tls());
    assertTrue(t.options().distcache(), "tls implies the native protocol");
    assertEquals("build1:4000/8,tls", t.toString());
    HostSpec.Tcp both =
        (HostSpec.Tcp) HostsParser.parse("build1,distcache,tls", "x").hosts().getFirst();
    assertEquals(t.options(), both.options());
    HostSpec.Tcp plain =
        (HostSpec.Tcp) HostsParser.parse("build1,distcache", "x").hosts().getFirst();
    assertFalse(plain.options().tls());
    assertEquals("build1:3632/4,distcache", plain.toString());
    assertThrows(
        IllegalArgumentException.class,
        () -> new HostOptions(false, false, false, false, "", false, true));
  }
}
