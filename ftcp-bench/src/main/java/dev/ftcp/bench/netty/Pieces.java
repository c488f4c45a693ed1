package dev.ftcp.bench.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * The writing side of the pipelined request/reply limit: frames written during a read burst go
 * into one buffer, written and flushed every {@code every} frames and at the burst's end, so a
 * long burst of requests is answered in pieces the peer can work on while the rest is decoded
 * (what ftcp's hand-over does), and each piece costs one buffer and one system call. Event loop
 * only; one per channel.
 */
final class Pieces {
  private final int every;
  private ByteBuf piece;
  private int count;

  Pieces(int every) {
    this.every = every;
  }

  void add(ChannelHandlerContext ctx, long id, long repId, byte[] payload) {
    if (piece == null) {
      piece = ctx.alloc().directBuffer(every * RawFraming.frameSize(payload.length));
    }
    RawFraming.encode(piece, id, repId, payload);
    if (++count == every) {
      flush(ctx);
    }
  }

  void flush(ChannelHandlerContext ctx) {
    if (piece != null) {
      ctx.writeAndFlush(piece, ctx.voidPromise());
      piece = null;
      count = 0;
    }
  }

  /** Drops a piece not yet written (the channel went away mid-burst). */
  void release() {
    if (piece != null) {
      piece.release();
      piece = null;
      count = 0;
    }
  }

  /** The server: answers every frame (RepID = its ID) in pieces. */
  static final class Echo extends io.netty.channel.ChannelInboundHandlerAdapter {
    private final Pieces out;
    private long nextId = 1;

    Echo(int every) {
      out = new Pieces(every);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      RawFrame f = (RawFrame) msg;
      out.add(ctx, nextId++, f.id(), f.payload());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      out.flush(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      out.release();
    }
  }
}
