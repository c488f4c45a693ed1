package dev.ftcp.bench.netty;

import dev.ftcp.bench.IdleClients;
import dev.ftcp.bench.LatencyRecorder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Raw Netty's side of the idle workload: plain channels on one event loop, each with a decoder
 * and a handler that records its reply. Requests are written from the harness thread with
 * {@code writeAndFlush}, as an application thread would.
 */
public final class NettyIdleClients implements IdleClients {
  private final EventLoopGroup group = Transport.group(1, "netty-idle");
  private final byte[] payload;
  private List<Channel> channels;
  private long[] intended;
  private long nextId = 1;

  public NettyIdleClients(byte[] payload) {
    this.payload = payload;
  }

  @Override
  public int connect(InetSocketAddress peer, int n, LatencyRecorder latencies, LongAdder replies)
      throws Exception {
    // Written by the harness thread before each writeAndFlush, read on the event loop after the
    // reply: the write's hand-off to the loop orders the two.
    intended = new long[n];
    channels = NettyLoopback.connect(peer, group, null, n, (p, i) -> p.addLast(
        new RawFrameDecoder(), new ReplyRecorder(i, intended, latencies, replies)));
    return channels.size();
  }

  @Override
  public void request(int index, long intendedNanos) {
    Channel ch = channels.get(index);
    intended[index] = intendedNanos;
    ByteBuf buf = ch.alloc().directBuffer(RawFraming.frameSize(payload.length));
    RawFraming.encode(buf, nextId++, 0, payload);
    ch.writeAndFlush(buf, ch.voidPromise());
  }

  @Override
  public void close() {
    if (channels != null) {
      channels.forEach(Channel::close);
    }
    Transport.shutdown(group);
  }

  private static final class ReplyRecorder extends ChannelInboundHandlerAdapter {
    private final int index;
    private final long[] intended;
    private final LatencyRecorder latencies;
    private final LongAdder replies;

    ReplyRecorder(int index, long[] intended, LatencyRecorder latencies, LongAdder replies) {
      this.index = index;
      this.intended = intended;
      this.latencies = latencies;
      this.replies = replies;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      latencies.record(System.nanoTime() - intended[index]);
      replies.increment();
    }
  }
}
