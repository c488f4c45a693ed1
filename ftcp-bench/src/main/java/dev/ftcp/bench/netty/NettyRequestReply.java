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
    return scenario(0);
  }

  /**
   * The pipelined limit: both ends write what a read burst produces in pieces of {@code every}
   * frames, each piece one buffer and one flush ({@link Pieces}), as ftcp's hand-over sends.
   */
  public static Scenario pieces(int every) {
    return scenario(every);
  }

  private static Scenario scenario(int every) {
    return spec -> {
      try (NettyLoopback lo = new NettyLoopback(spec.tls(), p -> p.addLast(new RawFrameDecoder(),
          every > 0 ? new Pieces.Echo(every) : new EchoHandler()))) {
        LatencyRecorder latencies = spec.outstanding() == 1
            ? new LatencyRecorder(Measure.latencyCapacity(spec)) : null;
        Requester client = new Requester(spec.payload(), spec.outstanding(), latencies, every);
        Channel ch = lo.connect(p -> p.addLast(new RawFrameDecoder(), client));
        ch.eventLoop().execute(() -> client.start(ch.pipeline().context(client)));
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
    private final Pieces pieces; // null: a buffer per frame, one flush per read burst
    final AtomicLong replies = new AtomicLong();
    volatile boolean running = true;
    private long nextId = 1;
    private long count;

    Requester(byte[] payload, int window, LatencyRecorder latencies, int every) {
      this.payload = payload;
      this.pieces = every > 0 ? new Pieces(every) : null;
      this.window = window;
      this.latencies = latencies;
      // IDs are sequential and at most `window` are in flight, so id % window is a free slot.
      this.sentAt = new long[window];
    }

    void start(ChannelHandlerContext ctx) {
      for (int i = 0; i < window; i++) {
        send(ctx);
      }
      flush(ctx);
    }

    private void send(ChannelHandlerContext ctx) {
      long id = nextId++;
      if (latencies != null) { // as ftcp's chains: no clock read where nothing is recorded
        sentAt[(int) (id % window)] = System.nanoTime();
      }
      if (pieces != null) {
        pieces.add(ctx, id, 0, payload);
        return;
      }
      ByteBuf buf = ctx.alloc().directBuffer(RawFraming.frameSize(payload.length));
      RawFraming.encode(buf, id, 0, payload);
      ctx.write(buf, ctx.voidPromise());
    }

    private void flush(ChannelHandlerContext ctx) {
      if (pieces != null) {
        pieces.flush(ctx);
      } else {
        ctx.flush();
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      RawFrame reply = (RawFrame) msg;
      if (latencies != null) {
        latencies.record(System.nanoTime() - sentAt[(int) (reply.repId() % window)]);
      }
      replies.lazySet(++count);
      if (running) {
        send(ctx);
        if (window == 1) {
          flush(ctx); // ping-pong: the next request must not wait for the read burst to end
        }
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      flush(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      if (pieces != null) {
        pieces.release();
      }
    }
  }
}
