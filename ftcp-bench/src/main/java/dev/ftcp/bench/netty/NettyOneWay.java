package dev.ftcp.bench.netty;

import dev.ftcp.bench.Fds;
import dev.ftcp.bench.Measure;
import dev.ftcp.bench.Metric;
import dev.ftcp.bench.Result;
import dev.ftcp.bench.Scenario;
import io.netty.channel.Channel;
import java.util.concurrent.atomic.LongAdder;

/**
 * One-way throughput baseline: a {@link FramePump} on one connection into a server that decodes
 * every frame into a {@link RawFrame}. Messages per second are counted at the receiver.
 */
public final class NettyOneWay {
  private NettyOneWay() {}

  /**
   * @param batchEncoded each batch of 64 frames encoded into one buffer (the limit), instead of
   *     one buffer per frame (the usual way)
   */
  public static Scenario scenario(boolean batchEncoded) {
    return spec -> {
      LongAdder received = new LongAdder();
      try (NettyLoopback lo = new NettyLoopback(spec.tls(),
          p -> p.addLast(new RawFrameDecoder(), new FrameCounter(received)))) {
        FramePump pump = new FramePump(spec.payload(), batchEncoded);
        Channel ch = lo.connect(p -> p.addLast(pump));
        pump.start(ch);
        try {
          return Measure.rate(Metric.MSGS_PER_SEC, received::sum, spec);
        } finally {
          pump.stopAndClose(ch);
        }
      }
    };
  }

  /**
   * Fan-in baseline: {@code spec.connections()} client channels, each with its own pump (one
   * buffer per frame), all on one client event loop, into one server.
   */
  public static Scenario fanIn() {
    return spec -> {
      LongAdder received = new LongAdder();
      try (NettyLoopback lo = new NettyLoopback(spec.tls(),
          p -> p.addLast(new RawFrameDecoder(), new FrameCounter(received)))) {
        byte[] payload = spec.payload();
        int n = Fds.pairs(spec.connections());
        FramePump[] pumps = new FramePump[n];
        var channels = lo.connect(n,
            (p, i) -> p.addLast(pumps[i] = new FramePump(payload, false)));
        for (int i = 0; i < pumps.length; i++) {
          pumps[i].start(channels.get(i));
        }
        try {
          Result r = Measure.rate(Metric.MSGS_PER_SEC, received::sum, spec)
              .put(Metric.CONNECTIONS, channels.size());
          return n < spec.connections() ? r.note(Fds.shortfall(n, spec.connections())) : r;
        } finally {
          FramePump.stopAndClose(java.util.Arrays.asList(pumps), channels);
        }
      }
    };
  }
}
