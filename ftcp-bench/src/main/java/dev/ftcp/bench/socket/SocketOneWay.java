package dev.ftcp.bench.socket;

import dev.ftcp.bench.Measure;
import dev.ftcp.bench.Metric;
import dev.ftcp.bench.Result;
import dev.ftcp.bench.Scenario;
import dev.ftcp.bench.netty.RawFrame;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One-way throughput with no library: a sender thread fills a {@link FrameWriter} batch
 * (64 KiB) and writes it, in a loop; a receiver thread takes frames from a {@link FrameReader}
 * and counts them. Each thread runs one side alone and blocks only in the kernel, so this is
 * about what one connection of this machine carries. Messages per second are counted at the
 * receiver.
 */
public final class SocketOneWay {
  private SocketOneWay() {}

  public static Scenario scenario() {
    return spec -> {
      LoopbackSockets sockets = LoopbackSockets.open();
      SideThreads sides = new SideThreads();
      AtomicLong received = new AtomicLong();
      byte[] payload = spec.payload();
      RawFrame[] handedOn = new RawFrame[1]; // what an application would be given
      sides.start("socket-receiver", () -> {
        FrameReader in = new FrameReader(sockets.server().getInputStream());
        long n = 0;
        RawFrame f;
        while ((f = in.next()) != null) {
          handedOn[0] = f; // stored, so the JIT cannot drop the decoding
          received.lazySet(++n);
        }
      });
      sides.start("socket-sender", () -> {
        FrameWriter out = new FrameWriter(sockets.client().getOutputStream());
        long id = 1;
        while (sides.running()) {
          while (out.hasRoom(payload.length)) {
            out.add(id++, 0, payload);
          }
          out.flush();
        }
      });
      Result r;
      try {
        r = Measure.rate(Metric.MSGS_PER_SEC, received::get, spec);
      } finally {
        sides.stop(sockets);
      }
      return r;
    };
  }
}
