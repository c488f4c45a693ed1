package dev.ftcp.bench.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/** Reads and throws away everything: the far end of a write-path benchmark. Stateless. */
@ChannelHandler.Sharable
public final class Discard extends ChannelInboundHandlerAdapter {
  public static final Discard INSTANCE = new Discard();

  private Discard() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }
}
