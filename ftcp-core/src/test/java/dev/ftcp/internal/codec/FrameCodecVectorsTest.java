package dev.ftcp.internal.codec;

import static dev.ftcp.internal.codec.Frames.feed;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.testing.NettyLeakCheck;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The codec against the bytes captured from the original Go implementation
 * ({@code src/test/resources/vectors}, described in its README): encoding reproduces them byte
 * for byte, and decoding them, however the stream is cut, yields exactly the recorded fields.
 */
@Timeout(60)
class FrameCodecVectorsTest {
  @RegisterExtension
  static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  /** One recorded frame and the fields the README lists for it. */
  record Vector(String name, long id, long repId, byte[] payload) {
    Message message() {
      return new Message(id, repId, payload);
    }

    byte[] bin() {
      return Frames.resource(name + ".bin");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Vector> VECTORS = List.of(
      new Vector("01-hello", 59, 0, "Hello framed world".getBytes(US_ASCII)),
      new Vector("02-auto-id", 1, 0, "auto".getBytes(US_ASCII)),
      new Vector("03-reply", 7, 59, "Hello caller!".getBytes(US_ASCII)),
      new Vector("04-empty", 300, 0, new byte[0]),
      new Vector("05-big-ids", (1L << 56) - 1, 1L << 35, "big ids".getBytes(US_ASCII)),
      new Vector("06-max-frame", 1000, 0, maxFramePayload()));

  static Stream<Vector> vectors() {
    return VECTORS.stream();
  }

  /** 65519 bytes; byte i is i mod 251. */
  private static byte[] maxFramePayload() {
    byte[] payload = new byte[65519];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i % 251);
    }
    return payload;
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void encodingReproducesTheRecordedBytes(Vector v) {
    assertThat(HexFormat.of().formatHex(Frames.encode(v.id, v.repId, v.payload, false)))
        .isEqualTo(HexFormat.of().formatHex(v.bin()));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void decodingYieldsTheRecordedFields(Vector v) {
    Frames.Decoded decoded =
        feed(Frames.decoder(false, Options.MAX_SMALL_FRAME_LENGTH), v.bin(), Frames.whole());

    assertThat(decoded.errors).isEmpty();
    assertThat(decoded.messages).hasSize(1);
    Message m = decoded.messages.get(0);
    assertThat(m.id()).isEqualTo(v.id);
    assertThat(m.repId()).isEqualTo(v.repId);
    assertThat(m.data()).isEqualTo(v.payload);
    assertThat(m.tlsSession()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "01-hello", "02-auto-id", "03-reply", "04-empty", "05-big-ids", "06-max-frame",
      "all-in-order"})
  void hexFileHoldsTheBinFileAsOneLowercaseLine(String name) {
    String hex = new String(Frames.resource(name + ".hex"), US_ASCII);

    assertThat(hex).endsWith("\n").doesNotContain(" ").isLowerCase();
    assertThat(hex.indexOf('\n')).isEqualTo(hex.length() - 1);
    assertThat(HexFormat.of().parseHex(hex.strip())).isEqualTo(Frames.resource(name + ".bin"));
  }

  @Test
  void allInOrderIsTheSixFramesJoined() {
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    for (Vector v : VECTORS) {
      joined.writeBytes(v.bin());
      encoded.writeBytes(Frames.encode(v.message(), false));
    }
    byte[] all = Frames.resource("all-in-order.bin");

    assertThat(all).hasSize(65669);
    assertThat(joined.toByteArray()).isEqualTo(all);
    assertThat(encoded.toByteArray()).isEqualTo(all);
  }

  @Test
  void decodesAllInOrderFedAtOnce() {
    assertDecodesAllInOrder(
        feed(Frames.decoder(false, 65535), Frames.resource("all-in-order.bin"), Frames.whole()));
  }

  @Test
  void decodesAllInOrderFedOneByteAtATime() {
    assertDecodesAllInOrder(new Frames.Decoded(Frames.decoder(false, 65535))
        .untrackedInputs()
        .write(Frames.resource("all-in-order.bin"), Frames.oneByteAtATime())
        .finish());
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void decodesAllInOrderFedInRandomChunks(long seed) {
    // Small chunks split prefixes and slots; large ones put several frames in one read.
    int maxChunk = seed % 2 == 0 ? 16 : 20_000;
    assertDecodesAllInOrder(new Frames.Decoded(Frames.decoder(false, 65535))
        .untrackedInputs()
        .write(Frames.resource("all-in-order.bin"), Frames.randomChunks(seed, maxChunk))
        .finish());
  }

  @Test
  void decodesTheSmallFramesCutInTwoAtEveryOffset() {
    byte[] all = Frames.resource("all-in-order.bin");
    int smallFrames = all.length - 65537; // 01..05, without the max frame
    List<Message> expected =
        VECTORS.subList(0, 5).stream().map(Vector::message).collect(Collectors.toList());

    for (int cut = 1; cut < smallFrames; cut++) {
      int[] chunks = {cut, smallFrames - cut};
      int[] next = {0};
      Frames.Decoded decoded = feed(
          Frames.decoder(false, 65535),
          Arrays.copyOf(all, smallFrames),
          () -> chunks[next[0]++]);

      assertThat(decoded.errors).as("cut at %d", cut).isEmpty();
      assertThat(decoded.messages).as("cut at %d", cut).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void bigFramesOnlyWidenThePrefix() {
    Vector hello = VECTORS.get(0);
    byte[] small = hello.bin();
    byte[] big = Frames.encode(hello.message(), true);

    // Same N, as a 4-byte little-endian number, then the same 34 bytes.
    assertThat(HexFormat.of().formatHex(big, 0, 4)).isEqualTo("22000000");
    assertThat(Arrays.copyOfRange(big, 4, big.length))
        .isEqualTo(Arrays.copyOfRange(small, 2, small.length));
    Frames.Decoded decoded =
        feed(Frames.decoder(true, Options.DEFAULT_BIG_FRAME_LENGTH), big, Frames.oneByteAtATime());
    assertThat(decoded.errors).isEmpty();
    assertThat(decoded.messages).containsExactly(hello.message());
  }

  private static void assertDecodesAllInOrder(Frames.Decoded decoded) {
    assertThat(decoded.errors).isEmpty();
    assertThat(decoded.messages).hasSize(6);
    IntStream.range(0, 6).forEach(i -> {
      Vector v = VECTORS.get(i);
      Message m = decoded.messages.get(i);
      assertThat(m.id()).as("%s ID", v).isEqualTo(v.id);
      assertThat(m.repId()).as("%s RepID", v).isEqualTo(v.repId);
      assertThat(m.data()).as("%s payload", v).isEqualTo(v.payload);
    });
  }
}
