package dev.ftcp.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.FrameFormatException;
import dev.ftcp.Message;
import dev.ftcp.testing.NettyLeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The varint slots and the encoder's guards. */
@Timeout(30)
class FrameCodecTest {
  @RegisterExtension
  static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  /** The 8 bytes of a slot, as they go on the wire. */
  private static String slotHex(long value) {
    ByteBuf buf = Unpooled.buffer(8);
    try {
      buf.writeLongLE(FrameCodec.varintSlot(value));
      return HexFormat.of().formatHex(buf.array(), buf.arrayOffset(), buf.arrayOffset() + 8);
    } finally {
      buf.release();
    }
  }

  private static long slot(String hex) {
    return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex)).readLongLE();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      // Go's binary.PutUvarint example: 1, 2, 127, 128, 255, 256 -> 01, 02, 7f, 8001, ff01, 8002
      "1, 0100000000000000",
      "2, 0200000000000000",
      "127, 7f00000000000000",
      "128, 8001000000000000",
      "255, ff01000000000000",
      "256, 8002000000000000",
      // The vectors' README and its table
      "0, 0000000000000000",
      "59, 3b00000000000000",
      "300, ac02000000000000",
      "1000, e807000000000000",
      "34359738368, 8080808080010000", // 2^35
      "72057594037927935, ffffffffffffff7f", // 2^56-1, the largest ID
      // Where the varint gains a byte
      "16383, ff7f000000000000",
      "16384, 8080010000000000",
      "562949953421311, ffffffffffff7f00", // 2^49-1: seven bytes and one of padding
      "562949953421312, 8080808080808001", // 2^49: the whole slot
  })
  void slotMatchesGoPutUvarintZeroPadded(long value, String hex) throws Exception {
    assertThat(slotHex(value)).isEqualTo(hex);
    assertThat(FrameCodec.readVarintSlot(slot(hex), "ID")).isEqualTo(value);
  }

  @Test
  void theFramesOfOneReadGoDownThePipelineAsOneEvent() {
    io.netty.channel.embedded.EmbeddedChannel ch = Frames.decoder(false, 65535);
    ByteBuf read = Unpooled.buffer();
    for (int i = 1; i <= 3; i++) {
      read.writeBytes(Frames.encode(Message.of("m" + i), false));
    }
    byte[] half = Frames.encode(Message.of("m4"), false);
    read.writeBytes(half, 0, half.length / 2);
    ch.writeInbound(read);
    Object first = ch.readInbound();
    assertThat(ch.<Object>readInbound()).as("a second event for the same read").isNull();
    assertThat(Frames.messagesIn(first)).extracting(Message::text)
        .containsExactly("m1", "m2", "m3");
    ch.writeInbound(Unpooled.wrappedBuffer(half, half.length / 2, half.length - half.length / 2));
    assertThat(Frames.messagesIn(ch.readInbound())).extracting(Message::text)
        .containsExactly("m4");
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void everyBitLengthRoundTrips() throws Exception {
    for (int bits = 0; bits <= 56; bits++) {
      for (long v : new long[] {(1L << bits) - 1, 1L << bits, (1L << bits) + 1}) {
        if (v <= Message.MAX_ID) {
          assertThat(FrameCodec.readVarintSlot(FrameCodec.varintSlot(v), "ID"))
              .as("value %d", v)
              .isEqualTo(v);
        }
      }
    }
  }

  /** Go's binary.PutUvarint into a zero slot, a byte at a time: what varintSlot must equal. */
  private static long putUvarintSlot(long value) {
    long slot = 0;
    int i = 0;
    while (value >= 0x80) {
      slot |= ((value & 0x7F) | 0x80) << (8 * i++);
      value >>>= 7;
    }
    return slot | (value << (8 * i));
  }

  /** Go's binary.Uvarint over the slot's 8 bytes, a byte at a time; null where it fails. */
  private static Long uvarintOfSlot(long slot) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      long b = (slot >>> (8 * i)) & 0xFF;
      value |= (b & 0x7F) << (7 * i);
      if (b < 0x80) {
        return value;
      }
    }
    return null;
  }

  @Test
  void slotCodeMatchesGosByteAtATimeCodeOnRandomInput() throws Exception {
    java.util.SplittableRandom random = new java.util.SplittableRandom(20261202);
    for (int k = 0; k < 200_000; k++) {
      // Values of every length: a random bit count, then random bits below it.
      long v = random.nextLong() >>> (8 + random.nextInt(56)); // 0 to 56 bits
      assertThat(FrameCodec.varintSlot(v)).as("slot of %d", v).isEqualTo(putUvarintSlot(v));
      // Slots of any bytes: from the peer, so also non-minimal and unterminated varints. The
      // first 0 to 8 bytes get a continuation bit, so the varint ends anywhere or nowhere.
      int forced = random.nextInt(9);
      long slot = random.nextLong()
          | (forced == 0 ? 0 : 0x8080_8080_8080_8080L >>> (64 - 8 * forced));
      Long expected = uvarintOfSlot(slot);
      if (expected == null) {
        long s = slot;
        assertThatThrownBy(() -> FrameCodec.readVarintSlot(s, "ID"))
            .as("slot %x", slot).isInstanceOf(FrameFormatException.class);
      } else {
        assertThat(FrameCodec.readVarintSlot(slot, "ID")).as("slot %x", slot).isEqualTo(expected);
      }
    }
  }

  @Test
  void readingIgnoresWhatFollowsTheVarintInItsSlot() throws Exception {
    // As the original does: it reads one varint from the slot and never looks at the rest.
    assertThat(FrameCodec.readVarintSlot(slot("3bffffffffffffff"), "ID")).isEqualTo(59);
    assertThat(FrameCodec.readVarintSlot(slot("ac02010203040506"), "RepID")).isEqualTo(300);
  }

  @ParameterizedTest
  @ValueSource(strings = {"8080808080808080", "ffffffffffffffff", "ff808080808080ff"})
  void aVarintThatDoesNotEndInsideItsSlotIsAFramingError(String hex) {
    assertThatThrownBy(() -> FrameCodec.readVarintSlot(slot(hex), "RepID"))
        .isInstanceOf(FrameFormatException.class)
        .hasMessageContaining("RepID")
        .hasMessageContaining("8-byte slot");
  }

  @Test
  void encoderRefusesIdsTheSlotCannotHoldAndWritesNothing() {
    long[][] bad = {
        {Message.MAX_ID + 1, 0}, {0, Message.MAX_ID + 1}, {-1, 0}, {0, Long.MIN_VALUE},
        {Long.MAX_VALUE, Long.MAX_VALUE}};
    ByteBuf out = Unpooled.buffer();
    try {
      for (long[] ids : bad) {
        assertThatThrownBy(() -> FrameCodec.encode(out, ids[0], ids[1], new byte[1], 2))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(Long.toUnsignedString(ids[0]))
            .hasMessageContaining(Long.toUnsignedString(ids[1]))
            .hasMessageContaining(String.valueOf(Message.MAX_ID));
        assertThat(out.writerIndex()).isZero();
      }
    } finally {
      out.release();
    }
  }

  @Test
  void encoderRefusesAPayloadThePrefixCannotCountAndWritesNothing() {
    ByteBuf out = Unpooled.buffer();
    try {
      assertThatThrownBy(() -> FrameCodec.encode(out, 1, 0, new byte[65520], 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("65520")
          .hasMessageContaining("65535");
      assertThat(out.writerIndex()).isZero();

      FrameCodec.encode(out, 1, 0, new byte[65519], 2);
      assertThat(out.readableBytes()).isEqualTo(FrameCodec.frameSize(65519, 2)).isEqualTo(65537);
      assertThat(out.getUnsignedShortLE(0)).isEqualTo(65535);
      out.clear();

      // Big frames count the same payload in 4 bytes.
      FrameCodec.encode(out, 1, 0, new byte[65520], 4);
      assertThat(out.readableBytes()).isEqualTo(FrameCodec.frameSize(65520, 4)).isEqualTo(65540);
      assertThat(out.getUnsignedIntLE(0)).isEqualTo(65536);
    } finally {
      out.release();
    }
  }
}
