package dev.ftcp.bench.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes frames into {@link RawFrame}s the usual way: a {@link ByteToMessageDecoder} that
 * waits for a whole frame, parses it in place and copies the payload out. One per channel.
 */
public final class RawFrameDecoder extends ByteToMessageDecoder {
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.readableBytes() >= RawFraming.PREFIX) {
      int n = in.getUnsignedShortLE(in.readerIndex());
      if (in.readableBytes() < RawFraming.PREFIX + n) {
        return;
      }
      if (n < RawFraming.SLOTS) {
        throw new IllegalArgumentException("frame length " + n + " below 16");
      }
      in.skipBytes(RawFraming.PREFIX);
      long id = RawFraming.unslot(in.readLongLE());
      long repId = RawFraming.unslot(in.readLongLE());
      byte[] payload = new byte[n - RawFraming.SLOTS];
      in.readBytes(payload);
      out.add(new RawFrame(id, repId, payload));
    }
  }
}
