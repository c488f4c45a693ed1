package dev.ftcp.bench.zmq;

import dev.ftcp.bench.LatencyRecorder;
import dev.ftcp.bench.Measure;
import dev.ftcp.bench.Metric;
import dev.ftcp.bench.Result;
import dev.ftcp.bench.RunSpec;
import dev.ftcp.bench.Scenario;
import java.util.concurrent.atomic.AtomicLong;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * JeroMQ baselines over tcp://127.0.0.1, as its guide writes them and as its users run it fast:
 * one {@code ZContext} per process, so both sockets of a pair share one context and its one I/O
 * thread, not a context and an I/O thread each; one socket per thread, blocking send and
 * receive, default high-water marks. Messages carry the 16 bytes an
 * ftcp frame spends on its IDs plus the payload, so the bytes moved match. JeroMQ has no TLS (it
 * has CurveZMQ), so it has no TLS figures.
 */
public final class Zmq {
  /** How long a blocked receive waits before it checks whether the scenario has ended. */
  private static final int POLL_MS = 100;

  private Zmq() {}

  /** PUSH/PULL one-way: one thread sends as fast as PUSH takes, one thread receives. */
  public static Scenario pushPull() {
    return spec -> {
      try (ZContext ctx = new ZContext(1)) {
        ZMQ.Socket pull = socket(ctx, SocketType.PULL);
        int port = pull.bindToRandomPort("tcp://127.0.0.1");
        ZMQ.Socket push = socket(ctx, SocketType.PUSH);
        push.setSendTimeOut(POLL_MS);
        push.connect("tcp://127.0.0.1:" + port);
        byte[] msg = message(spec);
        AtomicLong received = new AtomicLong();
        Stopper running = new Stopper();
        Thread receiver = Measure.thread("zmq-pull", () -> {
          long n = 0;
          while (running.on) {
            if (pull.recv(0) != null) {
              received.lazySet(++n);
            }
          }
        });
        Thread sender = Measure.thread("zmq-push", () -> {
          while (running.on) {
            push.send(msg, 0);
          }
        });
        try {
          return Measure.rate(Metric.MSGS_PER_SEC, received::get, spec);
        } finally {
          running.stop(sender, receiver);
        }
      }
    };
  }

  /** REQ/REP: strictly one request outstanding; latency of each round trip. */
  public static Scenario reqRep() {
    return spec -> {
      try (ZContext ctx = new ZContext(1)) {
        ZMQ.Socket rep = socket(ctx, SocketType.REP);
        int port = rep.bindToRandomPort("tcp://127.0.0.1");
        ZMQ.Socket req = socket(ctx, SocketType.REQ);
        req.connect("tcp://127.0.0.1:" + port);
        byte[] msg = message(spec);
        LatencyRecorder latencies = new LatencyRecorder(Measure.latencyCapacity(spec));
        AtomicLong replies = new AtomicLong();
        Stopper running = new Stopper();
        Thread server = Measure.thread("zmq-rep", () -> {
          while (running.on) {
            byte[] m = rep.recv(0);
            if (m != null) {
              rep.send(m, 0);
            }
          }
        });
        Thread client = Measure.thread("zmq-req", () -> {
          long n = 0;
          while (running.on) {
            long t0 = System.nanoTime();
            req.send(msg, 0);
            if (req.recv(0) == null) {
              break; // only at the end: REQ cannot send again without its reply
            }
            latencies.record(System.nanoTime() - t0);
            replies.lazySet(++n);
          }
        });
        Result result;
        try {
          result = Measure.latencyWindow(spec, latencies, replies::get);
        } finally {
          running.stop(client, server);
        }
        return latencies.percentilesInto(result);
      }
    };
  }

  /** DEALER/ROUTER: a window of {@code spec.outstanding()} requests in flight; requests/s. */
  public static Scenario dealerRouter() {
    return spec -> {
      try (ZContext ctx = new ZContext(1)) {
        ZMQ.Socket router = socket(ctx, SocketType.ROUTER);
        int port = router.bindToRandomPort("tcp://127.0.0.1");
        ZMQ.Socket dealer = socket(ctx, SocketType.DEALER);
        dealer.connect("tcp://127.0.0.1:" + port);
        byte[] msg = message(spec);
        AtomicLong replies = new AtomicLong();
        Stopper running = new Stopper();
        Thread server = Measure.thread("zmq-router", () -> {
          while (running.on) {
            byte[] identity = router.recv(0);
            if (identity == null) {
              continue;
            }
            byte[] m = router.recv(0);
            router.send(identity, ZMQ.SNDMORE);
            router.send(m, 0);
          }
        });
        Thread client = Measure.thread("zmq-dealer", () -> {
          long n = 0;
          int inFlight = 0;
          while (running.on) {
            while (inFlight < spec.outstanding()) {
              dealer.send(msg, 0);
              inFlight++;
            }
            if (dealer.recv(0) != null) {
              inFlight--;
              replies.lazySet(++n);
            }
          }
        });
        try {
          return Measure.rate(Metric.REQS_PER_SEC, replies::get, spec);
        } finally {
          running.stop(client, server);
        }
      }
    };
  }

  private static ZMQ.Socket socket(ZContext ctx, SocketType type) {
    ZMQ.Socket s = ctx.createSocket(type);
    s.setLinger(0);
    s.setReceiveTimeOut(POLL_MS);
    return s;
  }

  private static byte[] message(RunSpec spec) {
    byte[] payload = spec.payload();
    byte[] msg = new byte[16 + payload.length];
    msg[0] = 1; // an ID slot holding 1, as an ftcp frame would
    System.arraycopy(payload, 0, msg, 16, payload.length);
    return msg;
  }

  /** The end of a scenario: tells its threads and waits for them before sockets close. */
  private static final class Stopper {
    volatile boolean on = true;

    void stop(Thread... threads) throws InterruptedException {
      on = false;
      for (Thread t : threads) {
        t.join(5_000);
      }
    }
  }
}
