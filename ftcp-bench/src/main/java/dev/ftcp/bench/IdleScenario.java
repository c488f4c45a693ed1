package dev.ftcp.bench;

import dev.ftcp.bench.peer.PeerProcess;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Many idle connections, then each making one request a second. Measures how many connections
 * were held, the heap each idle one takes on either side (after a full collection, before any
 * request), and the latency of the requests.
 *
 * <p>Requests follow a fixed schedule: connection i of n sends at second k plus i/n seconds, and
 * its latency counts from that intended moment, not from when the driver got round to it, so a
 * stalled client cannot hide its own delay (coordinated omission).
 */
public final class IdleScenario {
  private static final Duration CONNECT_WAIT = Duration.ofSeconds(60);
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final long MAX_NAP = TimeUnit.MILLISECONDS.toNanos(1);

  private IdleScenario() {}

  /**
   * @param peerImpl the peer's server: "ftcp" or "netty"
   * @param clients makes the client side under test
   */
  public static Scenario scenario(String peerImpl, Supplier<IdleClients> clients) {
    return spec -> {
      int want = spec.connections();
      int n = Fds.available(want);
      Result result = new Result();
      if (n < want) {
        result.note(Fds.shortfall(n, want));
      }
      int rounds = (int) Math.max(1, Math.round(spec.duration().toMillis() / 1000.0));
      try (PeerProcess peer = PeerProcess.start(peerImpl);
          IdleClients c = clients.get()) {
        long heap0 = Heap.usedAfterGc();
        long peerHeap0 = peer.heapAfterGc();
        LatencyRecorder latencies = new LatencyRecorder(n * (rounds + 1));
        LongAdder replies = new LongAdder();
        long t0 = System.nanoTime();
        int open = c.connect(peer.address(), n, latencies, replies);
        result.note(String.format(java.util.Locale.ROOT, "opened %d in %.1f s", open,
            (System.nanoTime() - t0) / 1e9));
        int held = peer.awaitConnections(open, CONNECT_WAIT);
        if (held < open) {
          result.note("the peer saw only " + held + " of " + open + " connections");
        }
        long heap1 = Heap.usedAfterGc();
        long peerHeap1 = peer.heapAfterGc();
        result.put(Metric.CONNECTIONS, open)
            .put(Metric.HEAP_PER_CONN, open == 0 ? Double.NaN : (heap1 - heap0) / (double) open)
            .put(Metric.PEER_HEAP_PER_CONN,
                held == 0 ? Double.NaN : (peerHeap1 - peerHeap0) / (double) held);
        if (open == 0) {
          return result.note("no connection opened");
        }

        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        // Unrecorded rounds for the warm-up, and always at least one: the peer is a fresh JVM,
        // and its first requests would measure class loading, the interpreter and the JIT
        // compiler, which on a 2-core machine takes a core of its own for seconds.
        int warmRounds = (int) Math.max(1, Math.round(spec.warmup().toMillis() / 1000.0));
        schedule(c, open, warmRounds, start, false);
        awaitReplies(replies, (long) open * warmRounds, start + (warmRounds + 1) * SECOND);
        start = Math.max(System.nanoTime(), start + warmRounds * SECOND);
        latencies.start();
        schedule(c, open, rounds, start, true);
        long sent = System.nanoTime();
        long last = start + rounds * SECOND;
        while (latencies.offered() < (long) open * rounds
            && System.nanoTime() < last + 5 * SECOND) {
          Thread.sleep(5);
        }
        latencies.stop();
        // Replies are recorded on other threads; a moment lets the last stores settle.
        Thread.sleep(20);
        int missing = open * rounds - latencies.offered();
        if (missing > 0) {
          result.note(missing + " requests unanswered within 5 s");
        }
        // Offered load is open/s; below it, the system (or the driver: see the note) fell behind.
        result.put(Metric.REQS_PER_SEC, latencies.offered() * 1e9 / Math.max(sent - start,
            rounds * SECOND));
        return latencies.percentilesInto(result);
      }
    };
  }

  /**
   * Sends {@code rounds} requests on each connection, spread evenly over each second. The driver
   * sends everything that is due, then sleeps until the next is: a late wake-up (a sleep
   * overshoots by tens of microseconds to milliseconds on a busy machine) is caught up in one
   * burst instead of delaying every later request, which would charge the driver's lag to the
   * system under test.
   */
  private static void schedule(IdleClients c, int open, int rounds, long start, boolean record)
      throws Exception {
    long total = (long) open * rounds;
    long interval = SECOND / open;
    for (long k = 0; k < total; ) {
      long due = start + (k / open) * SECOND + (k % open) * interval;
      long early = due - System.nanoTime();
      if (early > 0) {
        LockSupport.parkNanos(Math.min(early, MAX_NAP));
        continue;
      }
      c.request((int) (k % open), due, record);
      k++;
    }
  }

  private static void awaitReplies(LongAdder replies, long n, long deadline)
      throws InterruptedException {
    while (replies.sum() < n && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }
}
