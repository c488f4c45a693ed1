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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Raw Netty's side of the idle workload: plain channels on one event loop, each with a decoder
 * and a handler that matches its reply to the request by RepID. Requests are written from the
 * harness thread with {@code writeAndFlush}, as an application thread would.
 */
public final class NettyIdleClients implements IdleClients {
  private final EventLoopGroup group = Transport.group(1, "netty-idle");
  private final byte[] payload;
  /** Requests awaiting their reply, by ID. */
  private final Map<Long, Sent> inFlight = new ConcurrentHashMap<>();
  private List<Channel> channels;
  private long nextId = 1;

  private record Sent(long intendedNanos, boolean record) {}

  public NettyIdleClients(byte[] payload) {
    this.payload = payload;
  }

  @Override
  public int connect(InetSocketAddress peer, int n, LatencyRecorder latencies, LongAdder replies)
      throws Exception {
    channels = NettyLoopback.connect(peer, group, null, n, (p, i) -> p.addLast(
        new RawFrameDecoder(), new ReplyRecorder(inFlight, latencies, replies)));
    return channels.size();
  }

  @Override
  public void request(int index, long intendedNanos, boolean record) {
    Channel ch = channels.get(index);
    long id = nextId++;
    inFlight.put(id, new Sent(intendedNanos, record));
    ByteBuf buf = ch.alloc().directBuffer(RawFraming.frameSize(payload.length));
    RawFraming.encode(buf, id, 0, payload);
    ch.writeAndFlush(buf, ch.voidPromise());
  }

  @Override
  public void close() {
    if (channels != null) {
      channels.forEach(Channel::close);
    }
    Transport.shutdown(group);
  }

  /** One per channel; what it holds is shared by all of them and thread-safe. */
  private static final class ReplyRecorder extends ChannelInboundHandlerAdapter {
    private final Map<Long, Sent> inFlight;
    private final LatencyRecorder latencies;
    private final LongAdder replies;

    ReplyRecorder(Map<Long, Sent> inFlight, LatencyRecorder latencies, LongAdder replies) {
      this.inFlight = inFlight;
      this.latencies = latencies;
      this.replies = replies;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Sent sent = inFlight.remove(((RawFrame) msg).repId());
      if (sent != null && sent.record()) {
        latencies.record(System.nanoTime() - sent.intendedNanos());
      }
      replies.increment();
    }
  }
}
