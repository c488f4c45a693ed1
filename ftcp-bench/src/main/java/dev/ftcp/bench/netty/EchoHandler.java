package dev.ftcp.bench.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Answers every frame with a reply carrying the same payload (RepID = the frame's ID), flushing
 * once per read burst. The server side of every raw Netty request/reply baseline. One per
 * channel.
 */
public final class EchoHandler extends ChannelInboundHandlerAdapter {
  private long nextId = 1;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    RawFrame f = (RawFrame) msg;
    ByteBuf buf = ctx.alloc().directBuffer(RawFraming.frameSize(f.payload().length));
    RawFraming.encode(buf, nextId++, f.id(), f.payload());
    ctx.write(buf, ctx.voidPromise());
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }
}
