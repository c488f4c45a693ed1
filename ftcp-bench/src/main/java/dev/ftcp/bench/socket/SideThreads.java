package dev.ftcp.bench.socket;

import dev.ftcp.bench.Measure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The two threads of a socket scenario, one per side, and how they end: {@link #stop} clears
 * the running flag, closes the sockets (which ends blocked reads and writes), waits for the
 * threads and rethrows what one failed with while running. Started and stopped by the
 * scenario's thread; {@link #running} is read by the side threads. Costs one volatile read per
 * batch or round trip.
 */
final class SideThreads {
  /** A side's loop; an I/O error after {@link #stop} began is the expected end. */
  @FunctionalInterface
  interface Side {
    void run() throws IOException;
  }

  private static final long JOIN_MS = 5_000;

  private final List<Thread> threads = new ArrayList<>(2);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean running = true;

  boolean running() {
    return running;
  }

  void start(String name, Side side) {
    threads.add(Measure.thread(name, () -> {
      try {
        side.run();
      } catch (IOException | RuntimeException e) {
        if (running) {
          failure.compareAndSet(null, e);
        }
      }
    }));
  }

  /**
   * Ends the threads and waits for them (a happens-before edge with all they did), then
   * throws if one failed before the end.
   */
  void stop(LoopbackSockets sockets) throws IOException, InterruptedException {
    running = false;
    sockets.close();
    for (Thread t : threads) {
      t.join(JOIN_MS);
    }
    Throwable failed = failure.get();
    if (failed != null) {
      throw new IOException("a socket thread failed", failed);
    }
  }
}
