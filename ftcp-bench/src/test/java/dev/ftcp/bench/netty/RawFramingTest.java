package dev.ftcp.bench.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.Message;
import dev.ftcp.internal.codec.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The baselines' framing is written apart from ftcp's codec; this keeps it the same framing,
 * byte for byte, so the comparison stays fair.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RawFramingTest {
  private static final long[] IDS = {0, 1, 127, 128, 300, 1L << 20, Message.MAX_ID};

  @Test
  void encodesTheSameBytesAsFtcp() {
    for (long id : IDS) {
      for (int size : new int[] {0, 64, 1024}) {
        byte[] payload = new byte[size];
        ByteBuf raw = Unpooled.buffer();
        ByteBuf ftcp = Unpooled.buffer();
        RawFraming.encode(raw, id, id / 2, payload);
        FrameCodec.encode(ftcp, id, id / 2, payload, 2);
        assertThat(ByteBufUtil.hexDump(raw)).as("id %d, %d bytes", id, size)
            .isEqualTo(ByteBufUtil.hexDump(ftcp));
        raw.release();
        ftcp.release();
      }
    }
  }

  @Test
  void encodesAndDecodesByteArraysAsFtcp() {
    for (long id : IDS) {
      for (int size : new int[] {0, 64, 1024}) {
        byte[] payload = new byte[size];
        java.util.Arrays.fill(payload, (byte) 5);
        byte[] raw = new byte[RawFraming.frameSize(size) + 3];
        assertThat(RawFraming.encode(raw, 3, id, id / 2, payload)).isEqualTo(raw.length);
        ByteBuf ftcp = Unpooled.buffer();
        FrameCodec.encode(ftcp, id, id / 2, payload, 2);
        assertThat(ByteBufUtil.hexDump(raw, 3, raw.length - 3)).as("id %d, %d bytes", id, size)
            .isEqualTo(ByteBufUtil.hexDump(ftcp));
        ftcp.release();
        assertThat(RawFraming.length(raw, 3)).isEqualTo(RawFraming.SLOTS + size);
        RawFrame f = RawFraming.decode(raw, 3, RawFraming.length(raw, 3));
        assertThat(f.id()).isEqualTo(id);
        assertThat(f.repId()).isEqualTo(id / 2);
        assertThat(f.payload()).isEqualTo(payload);
      }
    }
  }

  @Test
  void decodesFramesSplitAnywhere() {
    ByteBuf all = Unpooled.buffer();
    for (long id : IDS) {
      FrameCodec.encode(all, id, 7, new byte[] {(byte) id, 2, 3}, 2);
    }
    EmbeddedChannel ch = new EmbeddedChannel(new RawFrameDecoder());
    while (all.isReadable()) {
      ch.writeInbound(all.readRetainedSlice(Math.min(5, all.readableBytes())));
    }
    all.release();
    for (long id : IDS) {
      RawFrame f = ch.readInbound();
      assertThat(f.id()).isEqualTo(id);
      assertThat(f.repId()).isEqualTo(7);
      assertThat(f.payload()).containsExactly((byte) id, 2, 3);
    }
    assertThat(ch.<Object>readInbound()).isNull();
    assertThat(ch.finish()).isFalse();
  }
}
