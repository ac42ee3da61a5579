package dev.distcache.distribute.nativeproto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.wire.ProtocolException;
import dev.distcache.distribute.distcc.DistccLimits;
import dev.distcache.distribute.distcc.DistccReply;
import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.PacketReader;
import dev.distcache.distribute.distcc.PacketWriter;
import dev.distcache.distribute.distcc.ProtocolVersion;
import dev.distcache.distribute.distcc.PumpFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The native protocol's frames: what is written is read back, and a lying peer is stopped by the
 * limits.
 */
class NativeCodecTest {
  private static final DistccLimits LIMITS = new DistccLimits(8, 64, 10_000, 100_000, 2, 200_000);

  private static PacketReader reader(byte[] bytes) {
    return new PacketReader(new ByteArrayInputStream(bytes), LIMITS);
  }

  private static PacketReader reader(String ascii) {
    return reader(ascii.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void handshakeJobUploadAndResult_roundTrip() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PacketWriter w = new PacketWriter(bytes);
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 7);
    byte[] source = "int x;\n".repeat(500).getBytes(StandardCharsets.UTF_8);
    NativeCodec.writeHello(w, new NativeCodec.Hello("gcc", "id-1"));
    NativeCodec.writeJob(w, new NativeCodec.Job(List.of("gcc", "-c", "a.c", "-o", "a.o"), key));
    NativeCodec.writeSource(w, source);
    NativeCodec.writeResult(
        w, new NativeCodec.Result(0, new byte[0], "warn".getBytes(), source), true);
    w.flush();
    byte[] all = bytes.toByteArray();
    assertTrue(new String(all, 0, 12, StandardCharsets.US_ASCII).equals("DCD100000001"));
    assertTrue(all.length < 2 * source.length, "LZ4 shrinks repetitive text: " + all.length);

    ByteArrayInputStream in = new ByteArrayInputStream(all);
    assertEquals(
        new NativeCodec.Hello("gcc", "id-1"), NativeCodec.readHello(new PacketReader(in, LIMITS)));
    NativeCodec.Job job = NativeCodec.readJob(new PacketReader(in, LIMITS));
    assertEquals(List.of("gcc", "-c", "a.c", "-o", "a.o"), job.argv());
    assertArrayEquals(key, job.key());
    assertArrayEquals(source, NativeCodec.readSource(new PacketReader(in, LIMITS)));
    NativeCodec.Answer.Done done =
        assertInstanceOf(
            NativeCodec.Answer.Done.class, NativeCodec.readAnswer(new PacketReader(in, LIMITS)));
    assertTrue(done.hit());
    assertArrayEquals(source, done.result().object());
    assertArrayEquals("warn".getBytes(), done.result().stderr());
    assertThrows(EOFException.class, () -> NativeCodec.readJob(new PacketReader(in, LIMITS)));
  }

  @Test
  void aJobWithItsSources_andItsDistccAnswer_roundTrip_andAJobHeaderReadsAsWork()
      throws IOException {
    DistccRequest.Pump pump =
        new DistccRequest.Pump(
            "/home/u/p",
            List.of("gcc", "-g", "-gsplit-dwarf", "-c", "a.c", "-o", "a.o"),
            List.of(new PumpFile.Regular("/home/u/p/a.c", "int x;\n".getBytes())));
    DistccReply reply =
        new DistccReply(
            ProtocolVersion.V3,
            0,
            new byte[0],
            new byte[0],
            "obj".getBytes(),
            "a.o: a.c\n".getBytes(),
            "dwo".getBytes());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PacketWriter w = new PacketWriter(bytes);
    NativeCodec.writeSources(w, pump);
    NativeCodec.writeCompiled(w, reply);
    NativeCodec.writeJob(w, new NativeCodec.Job(List.of("gcc", "-c", "a.c"), new byte[32]));
    w.flush();
    ByteArrayInputStream in = new ByteArrayInputStream(bytes.toByteArray());
    assertEquals(new NativeCodec.Sources(pump), NativeCodec.readWork(new PacketReader(in, LIMITS)));
    assertEquals(
        new NativeCodec.Answer.Compiled(reply),
        NativeCodec.readAnswer(new PacketReader(in, LIMITS), true));
    assertInstanceOf(NativeCodec.Job.class, NativeCodec.readWork(new PacketReader(in, LIMITS)));
    assertThrows(ProtocolException.class, () -> NativeCodec.readWork(reader("SEND00000000")));
  }

  @Test
  void answers_sendRefusedAndHelloAnswers() throws IOException {
    assertInstanceOf(NativeCodec.Answer.Send.class, NativeCodec.readAnswer(reader("SEND00000000")));
    assertEquals(
        new NativeCodec.Answer.Refused("no"), NativeCodec.readAnswer(reader("RFSD00000002no")));
    assertNull(NativeCodec.readHelloAnswer(reader("OKAY00000000")));
    assertEquals("other gcc", NativeCodec.readHelloAnswer(reader("RFSD00000009other gcc")));
    assertThrows(ProtocolException.class, () -> NativeCodec.readAnswer(reader("DONE00000001")));
  }

  @Test
  void malformedOrOversizedFrames_areRefusedBeforeAllocation() {
    assertThrows(
        ProtocolException.class,
        () -> NativeCodec.readHello(reader("DCD100000002CNAM00000003gcc")),
        "another revision");
    assertThrows(
        ProtocolException.class,
        () -> NativeCodec.readHello(reader("DCD100000001CNAM7fffffff")),
        "a 2 GiB name");
    assertThrows(
        ProtocolException.class, () -> NativeCodec.readJob(reader("JOB_00000000")), "no argv");
    assertThrows(
        ProtocolException.class, () -> NativeCodec.readJob(reader("JOB_00000009")), "over maxArgc");
    assertThrows(
        ProtocolException.class,
        () -> NativeCodec.readJob(reader("JOB_00000001ARGV00000003gccJKEY00000004abcd")),
        "a short key");
    assertThrows(
        ProtocolException.class,
        () -> NativeCodec.readSource(reader("SRC4ffffffffBLK400000001x")),
        "more than maxDecodedLength");
    assertThrows(
        ProtocolException.class,
        () -> NativeCodec.readSource(reader("SRC400010000BLK400000001x")),
        "more than an LZ4 block of 1 byte can hold");
    assertThrows(
        ProtocolException.class,
        () -> NativeCodec.readSource(reader("SRC400000010BLK400000004\u00ff\u00ff\u00ff\u00ff")),
        "not LZ4");
    assertThrows(
        ProtocolException.class,
        () -> NativeCodec.readSource(reader("SRC400000000BLK400000001x")),
        "an empty body with a block");
  }

  @Test
  void anUploadThatDecodesShort_isRefused() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PacketWriter w = new PacketWriter(bytes);
    NativeCodec.writeSource(w, "hello hello hello".getBytes(StandardCharsets.US_ASCII));
    w.flush();
    byte[] b = bytes.toByteArray();
    b[11] = (byte) '2'; // announce 0x12 bytes instead of 0x11: the block decodes to fewer
    assertThrows(ProtocolException.class, () -> NativeCodec.readSource(reader(b)));
  }

  @Test
  void token_travelsInAuth_onlyWhenThereIsOne_andIsNeverShown() throws IOException {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    PacketWriter w = new PacketWriter(plain);
    NativeCodec.writeHello(w, new NativeCodec.Hello("gcc", "id-1"));
    w.flush();
    assertEquals(
        "DCD100000001CNAM00000003gccCIDN00000004id-1",
        plain.toString(StandardCharsets.US_ASCII),
        "without a token the handshake is what it always was");

    byte[] token = "s3cret-token-0123456789".getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    w = new PacketWriter(bytes);
    NativeCodec.Hello hello = new NativeCodec.Hello("gcc", "id-1", token);
    NativeCodec.writeHello(w, hello);
    w.flush();
    NativeCodec.Hello read = NativeCodec.readHello(reader(bytes.toByteArray()));
    assertArrayEquals(token, read.token());
    assertEquals(hello, read);
    assertFalse(read.toString().contains("s3cret"), read.toString());
    assertThrows(
        ProtocolException.class,
        () -> NativeCodec.readHello(reader("DCD100000001AUTH00000002abCIDN00000001x")));
  }

  @Test
  void deny_isAnExceptionOfItsOwn_notARefusal() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PacketWriter w = new PacketWriter(bytes);
    NativeCodec.writeDenied(w, "no token");
    w.flush();
    NativeCodec.Denied d =
        assertThrows(
            NativeCodec.Denied.class,
            () -> NativeCodec.readHelloAnswer(reader(bytes.toByteArray())));
    assertEquals("no token", d.getMessage());
  }
}
