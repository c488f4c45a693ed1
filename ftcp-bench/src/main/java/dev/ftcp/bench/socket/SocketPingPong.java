package dev.ftcp.bench.socket;

import dev.ftcp.bench.LatencyRecorder;
import dev.ftcp.bench.Measure;
import dev.ftcp.bench.Result;
import dev.ftcp.bench.Scenario;
import dev.ftcp.bench.netty.RawFrame;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request/reply with one request outstanding and no library: a client thread writes one request
 * frame and blocks reading its reply; an echo thread blocks reading a request and writes the
 * reply (RepID = the request's ID, the same payload), as {@code EchoHandler} does. Every round
 * trip in the window is recorded. Each round trip is two writes, two reads and two wake-ups of a
 * blocked thread: the least a blocking exchange can cost.
 */
public final class SocketPingPong {
  private SocketPingPong() {}

  public static Scenario scenario() {
    return spec -> {
      LoopbackSockets sockets = LoopbackSockets.open();
      SideThreads sides = new SideThreads();
      LatencyRecorder latencies = new LatencyRecorder(Measure.latencyCapacity(spec));
      AtomicLong replies = new AtomicLong();
      byte[] payload = spec.payload();
      sides.start("socket-echo", () -> {
        FrameReader in = new FrameReader(sockets.server().getInputStream());
        FrameWriter out = new FrameWriter(sockets.server().getOutputStream());
        long id = 1;
        RawFrame request;
        while ((request = in.next()) != null) {
          out.add(id++, request.id(), request.payload());
          out.flush();
        }
      });
      sides.start("socket-client", () -> {
        FrameReader in = new FrameReader(sockets.client().getInputStream());
        FrameWriter out = new FrameWriter(sockets.client().getOutputStream());
        long id = 1;
        long n = 0;
        while (sides.running()) {
          long t0 = System.nanoTime();
          out.add(id, 0, payload);
          out.flush();
          RawFrame reply = in.next();
          if (reply == null) {
            return;
          }
          if (reply.repId() != id) {
            throw new IOException("reply to " + reply.repId() + " where " + id + " was asked");
          }
          latencies.record(System.nanoTime() - t0);
          replies.lazySet(++n);
          id++;
        }
      });
      Result r;
      try {
        r = Measure.latencyWindow(spec, latencies, replies::get);
      } finally {
        sides.stop(sockets);
      }
      return latencies.percentilesInto(r);
    };
  }
}
