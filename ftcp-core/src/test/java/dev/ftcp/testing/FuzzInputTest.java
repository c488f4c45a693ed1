package dev.ftcp.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.Message;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fuzz tests' input layout, seeds and oracle, checked on inputs worked out by hand. */
@Timeout(10)
class FuzzInputTest {
  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  @Test
  void streamFromTheFrontChunkSizesFromTheBackSettingsLast() {
    // stream 0a0b0c0d0e | size of chunk 2 (0x02 = 3 bytes) | chunk 1 (0x01 = 2 bytes) | settings
    FuzzInput input = FuzzInput.parse(hex("0a0b0c0d0e 02 01 07"));

    assertThat(input.settings()).isEqualTo(7);
    assertThat(input.stream()).isEqualTo(hex("0a0b0c0d0e"));
    assertThat(input.chunkSizes()).containsExactly(2, 3);
    assertThat(input.largestChunk()).isEqualTo(3);
  }

  @Test
  void sizeByteFfTakesTheRestAndTheLastChunkTakesWhatIsLeft() {
    assertThat(FuzzInput.parse(hex("0102030405 ff 00")).chunkSizes()).containsExactly(5);
    // 0x10 asks for 17 bytes; only 3 are left between the front and the size byte.
    FuzzInput short_ = FuzzInput.parse(hex("010203 10 00"));
    assertThat(short_.stream()).isEqualTo(hex("010203"));
    assertThat(short_.chunkSizes()).containsExactly(3);
  }

  @Test
  void degenerateInputsParse() {
    assertThat(FuzzInput.parse(new byte[0]).stream()).isEmpty();
    assertThat(FuzzInput.parse(hex("05")).settings()).isEqualTo(5);
    assertThat(FuzzInput.parse(hex("05")).chunkSizes()).isEmpty();
    // A size byte with nothing left to cut: no chunk, no stream.
    assertThat(FuzzInput.parse(hex("0405")).stream()).isEmpty();
  }

  @Test
  void encodeIsParsesInverse() {
    byte[] stream = new byte[600];
    for (int i = 0; i < stream.length; i++) {
      stream[i] = (byte) (i * 31);
    }
    FuzzInput input = FuzzInput.parse(FuzzInput.encode(3, stream, 1, 255, 100, 44, -1));

    assertThat(input.settings()).isEqualTo(3);
    assertThat(input.stream()).isEqualTo(stream);
    assertThat(input.chunkSizes()).containsExactly(1, 255, 100, 44, 200);
    assertThatThrownBy(() -> FuzzInput.encode(0, stream, 256, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FuzzInput.encode(0, stream, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void modelDecodesTheVectorsAndNamesEachFlaw() {
    byte[] hello =
        hex("2200 3b00000000000000 0000000000000000 48656c6c6f206672616d656420776f726c64");
    Message helloMessage = new Message(59, 0, "Hello framed world".getBytes());

    WireModel.Result ok = WireModel.decode(hello, false, 4096);
    assertThat(ok.messages).containsExactly(helloMessage);
    assertThat(ok.flaw).isNull();

    WireModel.Result tooLong = WireModel.decode(concat(hello, hex("0110")), false, 4096);
    assertThat(tooLong.messages).containsExactly(helloMessage);
    assertThat(tooLong.flaw).isEqualTo(WireModel.Flaw.LENGTH_ABOVE_LIMIT);
    assertThat(tooLong.flawVisibleAt).isEqualTo(hello.length + 2);

    assertThat(WireModel.decode(hex("0f000000"), false, 4096).flaw)
        .isEqualTo(WireModel.Flaw.SHORTER_THAN_SLOTS);
    WireModel.Result badId =
        WireModel.decode(hex("10000000 8080808080808080 0000000000000000"), true, 4096);
    assertThat(badId.flaw).isEqualTo(WireModel.Flaw.ID_VARINT_UNTERMINATED);
    assertThat(badId.flawVisibleAt).isEqualTo(20);
    assertThat(WireModel.decode(hex("1000 00 00000000000000 ffffffffffffffff"), false, 4096).flaw)
        .isEqualTo(WireModel.Flaw.REPID_VARINT_UNTERMINATED);
    // Vector 05: the largest ID fills its slot; RepID 2^35 leaves two bytes of padding.
    assertThat(WireModel.decode(hex("1700 ffffffffffffff7f 8080808080010000 62696720696473"),
        false, 4096).messages)
        .containsExactly(new Message((1L << 56) - 1, 1L << 35, "big ids".getBytes()));
    // A stream that stops inside a frame is not malformed.
    assertThat(WireModel.decode(hex("2200 3b00"), false, 4096).flaw).isNull();
  }

  @Test
  void committedSeedsAreTheGeneratedOnes() throws IOException {
    Map<String, byte[]> decoder = new LinkedHashMap<>(FuzzSeeds.common());
    decoder.putAll(FuzzSeeds.decoderOnly());
    assertCommitted(FuzzSeeds.DECODER_DIR, decoder);
    Map<String, byte[]> server = new LinkedHashMap<>(FuzzSeeds.common());
    server.putAll(FuzzSeeds.serverOnly());
    assertCommitted(FuzzSeeds.SERVER_DIR, server);
  }

  private static void assertCommitted(String dir, Map<String, byte[]> seeds) throws IOException {
    for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
      String name = "/" + dir + "/" + seed.getKey();
      try (InputStream in = FuzzInputTest.class.getResourceAsStream(name)) {
        assertThat(in).as("%s (see FuzzSeeds to write it)", name).isNotNull();
        assertThat(in.readAllBytes()).as(name).isEqualTo(seed.getValue());
      }
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
