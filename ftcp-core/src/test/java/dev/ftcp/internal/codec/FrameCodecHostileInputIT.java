package dev.ftcp.internal.codec;

import static dev.ftcp.internal.codec.Frames.feed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.FrameFormatException;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.testing.NettyLeakCheck;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the decoder does with input a peer should never send: lengths above the limit, frames
 * shorter than their slots, varints that run off their slot. Each is a {@link
 * FrameFormatException}, raised as soon as the offending bytes are in, without buffering what
 * the length claims; after it the decoder swallows the rest of the stream.
 */
@Timeout(60)
class FrameCodecHostileInputIT {
  @RegisterExtension
  static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final byte[] HELLO = Frames.resource("01-hello.bin");
  private static final Message HELLO_MESSAGE =
      new Message(59, 0, "Hello framed world".getBytes(StandardCharsets.US_ASCII));

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  private static byte[] join(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static FrameFormatException framingError(Throwable t) {
    FrameFormatException e = FrameDecoder.framingError(t);
    assertThat(e).as("a framing error, not %s", t).isNotNull();
    return e;
  }

  @Test
  void lengthAboveTheLimitFailsAsSoonAsThePrefixIsInAndNothingButTheHeaderIsHeld() {
    EmbeddedChannel channel = Frames.decoder(false, 1000);
    Frames.Decoded decoded = new Frames.Decoded(channel);

    decoded.write(hex("ff"), Frames.whole());
    assertThat(decoded.errors).isEmpty();
    decoded.write(hex("ff"), Frames.whole());
    assertThat(decoded.errors).hasSize(1);
    assertThat(framingError(decoded.errors.get(0)))
        .hasMessageContaining("65535")
        .hasMessageContaining("maxFrameLength 1000");

    // The 65535 bytes the prefix announced, and more: all swallowed; the decoder holds only its
    // header array, never a payload array for the refused frame.
    byte[] more = new byte[100_000];
    Arrays.fill(more, (byte) 0x10);
    decoded.untrackedInputs().write(more, Frames.randomChunks(1, 64)).finish();
    assertThat(decoded.errors).hasSize(1);
    assertThat(decoded.messages).isEmpty();
    assertThat(decoded.mostHeld).as("nothing held beyond the header array").isEqualTo(2 + 16);
  }

  @Test
  void bigFramesLengthAboveTheLimitFailsAsSoonAsThePrefixIsIn() {
    EmbeddedChannel channel = Frames.decoder(true, 1000);
    Frames.Decoded decoded = new Frames.Decoded(channel).untrackedInputs();

    // 200000 announced; 100 KB sent. Buffering toward the announced length would hold it all.
    decoded.write(hex("400d03"), Frames.oneByteAtATime());
    assertThat(decoded.errors).isEmpty();
    decoded.write(join(hex("00"), new byte[100_000]), Frames.randomChunks(2, 64)).finish();

    assertThat(decoded.errors).hasSize(1);
    assertThat(decoded.errorChunks.get(0)[0])
        .as("reported with the prefix's last byte")
        .isEqualTo(3);
    assertThat(framingError(decoded.errors.get(0)))
        .hasMessageContaining("200000")
        .hasMessageContaining("maxFrameLength 1000");
    assertThat(decoded.messages).isEmpty();
    assertThat(decoded.mostHeld).as("nothing held beyond the header array").isEqualTo(4 + 16);
  }

  @Test
  void aCutFrameHoldsWhatHasArrivedNotWhatItsHeaderAnnounces() {
    // Allowed, and announced at 8 MiB; the payload trickles in. Holding the announced length at
    // once would let a peer make each connection allocate maxFrameLength with 20 bytes.
    int payload = 8 << 20;
    byte[] frame = Frames.encode(9, 0, new byte[payload], true);
    FrameDecoder decoder = new FrameDecoder(true, Options.DEFAULT_BIG_FRAME_LENGTH);
    Frames.Decoded decoded = new Frames.Decoded(new EmbeddedChannel(decoder)).untrackedInputs();

    decoded.write(Arrays.copyOf(frame, 4 + 16 + 100), Frames.whole());
    assertThat(decoder.heldCapacity()).isEqualTo(4 + 16 + FrameDecoder.FIRST_CUT_ARRAY);
    int arrived = 1 << 20;
    decoded.write(Arrays.copyOfRange(frame, 4 + 16 + 100, 4 + 16 + arrived),
        Frames.randomChunks(6, 70_000));
    assertThat(decoder.heldCapacity()).isBetween(4 + 16 + arrived, 4 + 16 + 2 * arrived);
    assertThat(decoded.messages).isEmpty();

    decoded.write(Arrays.copyOfRange(frame, 4 + 16 + arrived, frame.length),
        Frames.randomChunks(7, 1 << 20));
    assertThat(decoded.errors).isEmpty();
    assertThat(decoded.messages).containsExactly(new Message(9, 0, new byte[payload]));
    assertThat(decoder.heldCapacity()).as("the payload array went with its message").isEqualTo(20);
  }

  @Test
  void bigFramesLengthOf2To32Minus1IsReadUnsignedAndRefusedAsAFrameFormatException() {
    // The largest 4-byte prefix: read as a signed int it would be -1 and slip under the limit.
    // The decoder reads it unsigned and reports the FrameFormatException itself, unwrapped, the
    // one exception a connection treats as a framing error.
    Frames.Decoded decoded = feed(
        Frames.decoder(true, Options.DEFAULT_BIG_FRAME_LENGTH),
        join(hex("ffffffff"), new byte[1000]),
        Frames.randomChunks(3, 16));

    assertThat(decoded.errors).hasSize(1);
    assertThat(decoded.errors.get(0)).isInstanceOf(FrameFormatException.class);
    assertThat(framingError(decoded.errors.get(0)))
        .hasMessageContaining("4294967295")
        .hasMessageContaining("maxFrameLength " + Options.DEFAULT_BIG_FRAME_LENGTH);
  }

  @Test
  void largestAllowedLimitStillRefusesLargerLengthsAsFramingErrors() {
    for (long n : new long[] {FrameCodec.MAX_FRAME_LENGTH + 1L, Integer.MAX_VALUE, 0xFFFFFFFFL}) {
      byte[] prefix = {(byte) n, (byte) (n >>> 8), (byte) (n >>> 16), (byte) (n >>> 24)};
      Frames.Decoded decoded =
          feed(Frames.decoder(true, FrameCodec.MAX_FRAME_LENGTH), prefix, Frames.whole());

      assertThat(decoded.errors).as("length %d", n).hasSize(1);
      assertThat(framingError(decoded.errors.get(0))).hasMessageContaining(Long.toString(n));
    }
  }

  @Test
  void frameOfExactlyTheLimitIsAcceptedAndOneByteMoreIsNot() {
    byte[] atLimit = Frames.encode(7, 0, new byte[1000 - 16], false);
    byte[] overLimit = Frames.encode(8, 0, new byte[1001 - 16], false);

    Frames.Decoded ok = feed(Frames.decoder(false, 1000), atLimit, Frames.randomChunks(4, 100));
    assertThat(ok.errors).isEmpty();
    assertThat(ok.messages).containsExactly(new Message(7, 0, new byte[984]));

    Frames.Decoded bad = feed(Frames.decoder(false, 1000), overLimit, Frames.whole());
    assertThat(bad.messages).isEmpty();
    assertThat(framingError(bad.errors.get(0))).hasMessageContaining("frame length 1001");
  }

  @ParameterizedTest(name = "N = {0}")
  @ValueSource(ints = {0, 1, 8, 15})
  void frameShorterThanItsSlotsFailsAfterTheFramesBeforeIt(int n) {
    byte[] shortFrame = join(new byte[] {(byte) n, 0}, new byte[n]);

    Frames.Decoded decoded = feed(
        Frames.decoder(false, 65535), join(HELLO, shortFrame, HELLO), Frames.oneByteAtATime());

    assertThat(decoded.messages).containsExactly(HELLO_MESSAGE);
    assertThat(decoded.errors).hasSize(1);
    assertThat(framingError(decoded.errors.get(0)))
        .hasMessageContaining("frame length " + n)
        .hasMessageContaining("shorter than the 16 bytes");
    assertThat(decoded.errorChunks.get(0)[1])
        .as("reported with the prefix's last byte")
        .isEqualTo(HELLO.length + 2);
  }

  @Test
  void idVarintThatRunsOffItsSlotIsAFramingErrorNamingTheSlot() {
    byte[] badId = hex("1000 8080808080808080 0000000000000000");

    Frames.Decoded decoded =
        feed(Frames.decoder(false, 65535), join(HELLO, badId, HELLO), Frames.whole());

    assertThat(decoded.messages).containsExactly(HELLO_MESSAGE);
    assertThat(decoded.errors).hasSize(1);
    assertThat(framingError(decoded.errors.get(0)))
        .hasMessageContaining("the ID varint")
        .hasMessageContaining("8-byte slot");
  }

  @Test
  void repIdVarintThatRunsOffItsSlotIsAFramingErrorNamingTheSlot() {
    byte[] badRepId = hex("13000000 0100000000000000 ffffffffffffffff 616263");

    Frames.Decoded decoded = feed(Frames.decoder(true, 65535), badRepId, Frames.oneByteAtATime());

    assertThat(decoded.messages).isEmpty();
    assertThat(decoded.errors).hasSize(1);
    assertThat(framingError(decoded.errors.get(0))).hasMessageContaining("the RepID varint");
  }

  @Test
  void afterAFramingErrorTheRestOfTheStreamIsSwallowed() {
    byte[] stream = join(HELLO, hex("0500"), HELLO, HELLO, hex("ffff"), HELLO);

    Frames.Decoded decoded = feed(Frames.decoder(false, 65535), stream, Frames.randomChunks(5, 9));

    // Bytes after a framing error are not frames we can find again: no resynchronising.
    assertThat(decoded.events).hasSize(2);
    assertThat(decoded.events.get(0)).isEqualTo(HELLO_MESSAGE);
    assertThat(framingError((Throwable) decoded.events.get(1)))
        .hasMessageContaining("frame length 5 ");
  }

  @Test
  void aStreamThatEndsInsideAFrameYieldsTheCompleteFramesOnly() {
    byte[] stream = join(HELLO, Arrays.copyOf(HELLO, HELLO.length - 1));

    Frames.Decoded decoded = feed(Frames.decoder(false, 65535), stream, Frames.whole());

    assertThat(decoded.errors).isEmpty();
    assertThat(decoded.messages).containsExactly(HELLO_MESSAGE);
  }

  @Test
  void decodedMessagesCarryTheSessionSetOnTheDecoder() throws Exception {
    SSLSession session = SSLContext.getDefault().createSSLEngine().getSession();
    FrameDecoder decoder = new FrameDecoder(false, 65535);
    decoder.session(session);

    Frames.Decoded decoded = feed(new EmbeddedChannel(decoder), HELLO, Frames.whole());

    assertThat(decoded.messages).hasSize(1);
    assertThat(decoded.messages.get(0).tlsSession()).isSameAs(session);
  }

  @Test
  void decoderRefusesLimitsOutsideWhatItCanEnforce() {
    for (int bad : new int[] {-1, 0, 15, FrameCodec.MAX_FRAME_LENGTH + 1, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> new FrameDecoder(true, bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxFrameLength")
          .hasMessageContaining(Integer.toString(bad));
    }
  }

  @Test
  void framingErrorIsAFrameFormatExceptionAndNothingElse() {
    FrameFormatException e = new FrameFormatException("bad frame");

    assertThat(FrameDecoder.framingError(e)).isSameAs(e);
    assertThat(FrameDecoder.framingError(new DecoderException(e))).isNull();
    assertThat(FrameDecoder.framingError(new IOException("x"))).isNull();
    assertThat(FrameDecoder.framingError(new TooLongFrameException("too long"))).isNull();
    assertThat(FrameDecoder.framingError(new IOException(e))).isNull();
  }
}
