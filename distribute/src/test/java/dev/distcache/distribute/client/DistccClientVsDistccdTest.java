package dev.distcache.distribute.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.distribute.distcc.DistccLimits;
import dev.distcache.distribute.distcc.DistccReply;
import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.PacketReader;
import dev.distcache.distribute.distcc.PacketWriter;
import dev.distcache.distribute.distcc.ProtocolVersion;
import dev.distcache.distribute.distcc.PumpFile;
import dev.distcache.distribute.distcc.ReplyCodec;
import dev.distcache.distribute.distcc.RequestCodec;
import dev.distcache.distribute.hosts.HostOptions;
import dev.distcache.distribute.hosts.HostSpec;
import dev.distcache.distribute.programs.Hello;
import dev.distcache.testing.DistccDaemon;
import dev.distcache.testing.Loopback;
import java.io.BufferedOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our client against a real distccd (Debian's distcc 3.4) on 127.0.0.2, started by the test. */
class DistccClientVsDistccdTest {
  @TempDir static Path dir;
  static DistccDaemon distccd;
  final DistccClient client = new DistccClient(ClientSettings.DEFAULTS);

  @BeforeAll
  static void start() throws Exception {
    Hello.write(dir);
    distccd = DistccDaemon.start("127.0.0.2", dir, "127.0.0.0/8", false);
  }

  @AfterAll
  static void stop() throws Exception {
    distccd.close();
  }

  @Test
  void protocol1_compilesHello_objectEqualsALocalGccCompile() throws Exception {
    DistccReply reply =
        client.compile(
            host(HostOptions.NONE),
            Hello.distccArgv(dir, "hello.c", "hello.o"),
            Hello.preprocess(dir, "hello.c"));
    assertTrue(reply.succeeded(), new String(reply.stderr(), StandardCharsets.UTF_8));
    assertEquals(ProtocolVersion.V1, reply.version());
    assertArrayEquals(Hello.compileLocally(dir, "hello.c", "local1.o"), reply.object());
    assertEquals(0, reply.stdout().length);
    assertTrue(distccd.log().contains("COMPILE_OK"), distccd.log());
  }

  @Test
  void protocol2_compilesHelloWithLzo_objectEqualsALocalGccCompile() throws Exception {
    HostOptions lzo = new HostOptions(true, false, false, false, "", false);
    DistccReply reply =
        client.compile(
            host(lzo),
            Hello.distccArgv(dir, "hello.c", "hello.o"),
            Hello.preprocess(dir, "hello.c"));
    assertTrue(reply.succeeded(), new String(reply.stderr(), StandardCharsets.UTF_8));
    assertEquals(ProtocolVersion.V2, reply.version());
    assertArrayEquals(Hello.compileLocally(dir, "hello.c", "local2.o"), reply.object());
  }

  @Test
  void compileError_isAnAnswer_withTheCompilersStatusAndStderr() throws Exception {
    for (HostOptions options :
        List.of(HostOptions.NONE, new HostOptions(true, false, false, false, "", false))) {
      DistccReply reply =
          client.compile(
              host(options),
              Hello.distccArgv(dir, "broken.c", "broken.o"),
              Hello.preprocess(dir, "broken.c"));
      assertFalse(reply.succeeded());
      assertEquals(1, reply.exitCode());
      assertEquals(1 << 8, reply.status());
      String stderr = new String(reply.stderr(), StandardCharsets.UTF_8);
      assertTrue(
          stderr.contains("broken.c:1:")
              && stderr.contains("error: ")
              && stderr.contains("undeclared_name"),
          stderr);
      assertEquals(0, reply.object().length);
    }
  }

  @Test
  void nothingListening_isHostUnreachable_refused() throws Exception {
    int port = Loopback.freePort("127.0.0.3");
    HostUnreachableException e =
        assertThrows(
            HostUnreachableException.class,
            () ->
                client.compile(
                    new HostSpec.Tcp("127.0.0.3", port, 4, HostOptions.NONE),
                    Hello.distccArgv(dir, "hello.c", "hello.o"),
                    new byte[] {'x'}));
    assertEquals(HostUnreachableException.Reason.REFUSED, e.reason());
    assertEquals("127.0.0.3:" + port, e.host());
    assertTrue(
        e.getMessage().startsWith("distcc host 127.0.0.3:" + port + " refused the connection"),
        e.getMessage());
  }

  @Test
  void compilerTheDaemonDoesNotOffer_isNoAnswer() throws Exception {
    RemoteJobException e =
        assertThrows(
            RemoteJobException.class,
            () ->
                client.compile(
                    host(HostOptions.NONE),
                    List.of("not-a-compiler", "-c", "hello.c", "-o", "hello.o"),
                    Hello.preprocess(dir, "hello.c")));
    assertEquals(RemoteJobException.Reason.NO_ANSWER, e.reason());
    assertTrue(e.getMessage().contains("closed the connection without an answer"), e.getMessage());
  }

  @Test
  void clientTheDaemonDoesNotAllow_isARemoteJobFailure() throws Exception {
    try (DistccDaemon strict = DistccDaemon.start("127.0.0.4", dir, "127.0.0.9/32", false)) {
      RemoteJobException e =
          assertThrows(
              RemoteJobException.class,
              () ->
                  client.compile(
                      new HostSpec.Tcp("127.0.0.4", strict.port, 4, HostOptions.NONE),
                      Hello.distccArgv(dir, "hello.c", "hello.o"),
                      Hello.preprocess(dir, "hello.c")));
      // distccd closes the connection at once: the client sees end of stream, or a reset if the
      // close reached it while it was still sending.
      assertTrue(
          Set.of(RemoteJobException.Reason.NO_ANSWER, RemoteJobException.Reason.CONNECTION_LOST)
              .contains(e.reason()),
          e.reason() + ": " + e.getMessage());
    }
  }

  /**
   * Our protocol 3 writer and reader against distccd's pump mode, with no include server involved.
   */
  @Test
  void protocol3_pumpRequest_isCompiledWithItsDependencyFile() throws Exception {
    byte[] source = Files.readAllBytes(dir.resolve("hello.c"));
    DistccRequest.Pump request =
        new DistccRequest.Pump(
            dir.toString(),
            List.of(Hello.compilerName(dir), "-c", "-O2", "-DX", "-I.", "hello.c", "-o", "hello.o"),
            List.of(new PumpFile.Regular(dir.resolve("hello.c").toString(), source)));
    DistccReply reply;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(distccd.address, distccd.port), 5000);
      s.setSoTimeout(60_000);
      PacketWriter out = new PacketWriter(new BufferedOutputStream(s.getOutputStream()));
      RequestCodec.write(out, request);
      out.flush();
      reply =
          ReplyCodec.read(
              new PacketReader(s.getInputStream(), DistccLimits.DEFAULTS), ProtocolVersion.V3);
    }
    assertTrue(reply.succeeded(), new String(reply.stderr(), StandardCharsets.UTF_8));
    assertArrayEquals(Hello.compileLocally(dir, "hello.c", "local3.o"), reply.object());
    // distccd keeps only the files the client sent, with their client paths: its own system
    // headers (stdio.h) are not the client's, so they are left out.
    assertEquals("hello.o: hello.c\n", new String(reply.dependencies(), StandardCharsets.UTF_8));
  }

  @Test
  void ioTimeout_bounds_aHostThatNeverAnswers() throws Exception {
    try (java.net.ServerSocket silent =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.5"))) {
      DistccClient impatient =
          new DistccClient(
              new ClientSettings(
                  Duration.ofSeconds(5), Duration.ofMillis(500), DistccLimits.DEFAULTS));
      RemoteJobException e =
          assertThrows(
              RemoteJobException.class,
              () ->
                  impatient.compile(
                      "127.0.0.5",
                      silent.getLocalPort(),
                      ProtocolVersion.V1,
                      List.of("gcc", "-c", "a.c", "-o", "a.o"),
                      new byte[] {'x'}));
      assertEquals(RemoteJobException.Reason.TIMED_OUT, e.reason());
      assertTrue(e.getMessage().contains("sent nothing for 0.5 s"), e.getMessage());
    }
  }

  @Test
  void ioTimeout_bounds_aHostThatTakesNoData() throws Exception {
    try (java.net.ServerSocket deaf = new java.net.ServerSocket()) {
      deaf.setReceiveBufferSize(4096);
      deaf.bind(new InetSocketAddress("127.0.0.5", 0), 1);
      DistccClient impatient =
          new DistccClient(
              new ClientSettings(
                  Duration.ofSeconds(5), Duration.ofMillis(500), DistccLimits.DEFAULTS));
      byte[] big = new byte[64 << 20]; // far more than the two kernels buffer
      RemoteJobException e =
          assertThrows(
              RemoteJobException.class,
              () ->
                  impatient.compile(
                      "127.0.0.5",
                      deaf.getLocalPort(),
                      ProtocolVersion.V1,
                      List.of("gcc", "-c", "a.c", "-o", "a.o"),
                      big));
      assertEquals(RemoteJobException.Reason.TIMED_OUT, e.reason());
      assertTrue(e.getMessage().contains("took no data for 0.5 s"), e.getMessage());
    }
  }

  @Test
  void garbageAnswer_isAProtocolError_thatSaysWhatArrived() throws Exception {
    try (java.net.ServerSocket web =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.5"))) {
      Thread server =
          Thread.ofVirtual()
              .start(() -> {
                try (Socket s = web.accept()) {
                  s.getOutputStream()
                      .write(
                          "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                  s.getInputStream().readNBytes(10);
                } catch (Exception ignored) {
                  // the test asserts on the client's side
                }
              });
      RemoteJobException e =
          assertThrows(
              RemoteJobException.class,
              () ->
                  client.compile(
                      "127.0.0.5",
                      web.getLocalPort(),
                      ProtocolVersion.V1,
                      List.of("gcc", "-c", "a.c", "-o", "a.o"),
                      new byte[] {'x'}));
      server.join();
      assertEquals(RemoteJobException.Reason.PROTOCOL_ERROR, e.reason());
      assertTrue(e.getMessage().endsWith("expected DONE but got \"HTTP\""), e.getMessage());
    }
  }

  private static HostSpec.Tcp host(HostOptions options) {
    return new HostSpec.Tcp(distccd.address, distccd.port, 4, options);
  }
}
