package dev.ftcp.bench.netty;

import dev.ftcp.bench.LatencyRecorder;
import dev.ftcp.bench.Measure;
import dev.ftcp.bench.Metric;
import dev.ftcp.bench.Result;
import dev.ftcp.bench.Scenario;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request/reply baselines on one raw Netty connection, the client driven entirely from its event
 * loop: ping-pong (one request outstanding, for latency) and a pipelined window of
 * {@code spec.outstanding()} requests (for requests per second). The server is
 * {@link EchoHandler}.
 */
public final class NettyRequestReply {
  private NettyRequestReply() {}

  public static Scenario scenario() {
    return spec -> {
      try (NettyLoopback lo = new NettyLoopback(spec.tls(),
          p -> p.addLast(new RawFrameDecoder(), new EchoHandler()))) {
        LatencyRecorder latencies = spec.outstanding() == 1
            ? new LatencyRecorder(Measure.latencyCapacity(spec)) : null;
        Requester client = new Requester(spec.payload(), spec.outstanding(), latencies);
        Channel ch = lo.connect(p -> p.addLast(new RawFrameDecoder(), client));
        ch.eventLoop().execute(() -> client.start(ch));
        try {
          if (latencies == null) {
            return Measure.rate(Metric.REQS_PER_SEC, client.replies::get, spec);
          }
          Result r = Measure.latencyWindow(spec, latencies, client.replies::get);
          // A task on the client's loop orders its last record() before our read of the samples.
          ch.eventLoop().submit(() -> { }).sync();
          return latencies.percentilesInto(r);
        } finally {
          client.running = false;
          ch.close().awaitUninterruptibly();
        }
      }
    };
  }

  /** Keeps {@code window} requests in flight; records each one's round trip when asked. */
  private static final class Requester extends ChannelInboundHandlerAdapter {
    private final byte[] payload;
    private final int window;
    private final LatencyRecorder latencies;
    private final long[] sentAt;
    final AtomicLong replies = new AtomicLong();
    volatile boolean running = true;
    private long nextId = 1;
    private long count;

    Requester(byte[] payload, int window, LatencyRecorder latencies) {
      this.payload = payload;
      this.window = window;
      this.latencies = latencies;
      // IDs are sequential and at most `window` are in flight, so id % window is a free slot.
      this.sentAt = new long[window];
    }

    void start(Channel ch) {
      for (int i = 0; i < window; i++) {
        send(ch);
      }
      ch.flush();
    }

    private void send(Channel ch) {
      long id = nextId++;
      ByteBuf buf = ch.alloc().directBuffer(RawFraming.frameSize(payload.length));
      RawFraming.encode(buf, id, 0, payload);
      if (latencies != null) { // as ftcp's chains: no clock read where nothing is recorded
        sentAt[(int) (id % window)] = System.nanoTime();
      }
      ch.write(buf, ch.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      RawFrame reply = (RawFrame) msg;
      if (latencies != null) {
        latencies.record(System.nanoTime() - sentAt[(int) (reply.repId() % window)]);
      }
      replies.lazySet(++count);
      if (running) {
        send(ctx.channel());
        if (window == 1) {
          ctx.flush(); // ping-pong: the next request must not wait for the read burst to end
        }
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }
  }
}
