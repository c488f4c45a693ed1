package dev.ftcp.bench.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts decoded frames and drops them. Adds to the shared counter once per read burst, not per
 * frame, so counting costs the receiver nothing measurable. One per channel.
 */
public final class FrameCounter extends ChannelInboundHandlerAdapter {
  private final LongAdder total;
  private long pending;

  public FrameCounter(LongAdder total) {
    this.total = total;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    pending++;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    total.add(pending);
    pending = 0;
  }
}
