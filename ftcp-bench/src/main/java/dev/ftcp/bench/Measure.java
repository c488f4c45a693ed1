package dev.ftcp.bench;

import java.util.function.LongSupplier;

/** The timing every throughput scenario shares. */
public final class Measure {
  private Measure() {}

  /**
   * Lets the scenario warm up, then returns how fast {@code counter} grows over the measured
   * window, per second, as {@code metric}, with the Java threads' CPU time per count
   * ({@link Metric#CPU_PER_OP}). The counter is read only at the window's edges, so it may be as
   * cheap as the scenario likes (a {@code LongAdder}, a lazily set field). With
   * {@link RunSpec#threadCosts}, each thread's costs per count are added as a note.
   */
  public static Result rate(Metric metric, LongSupplier counter, RunSpec spec)
      throws InterruptedException {
    return window(metric, counter, spec, null);
  }

  /**
   * Lets the scenario warm up, then records latencies for the measured window and returns the
   * requests per second {@code replies} counted in it, and the CPU time per request. The caller
   * adds the percentiles with {@link LatencyRecorder#percentilesInto} once the recording threads
   * have stopped.
   */
  public static Result latencyWindow(RunSpec spec, LatencyRecorder latencies,
      LongSupplier replies) throws InterruptedException {
    return window(Metric.REQS_PER_SEC, replies, spec, latencies);
  }

  private static Result window(Metric metric, LongSupplier counter, RunSpec spec,
      LatencyRecorder latencies) throws InterruptedException {
    Thread.sleep(spec.warmup().toMillis());
    ThreadCpu cpu = ThreadCpu.now();
    ThreadCosts threads = spec.threadCosts() ? ThreadCosts.now() : null;
    long c0 = counter.getAsLong();
    long t0 = System.nanoTime();
    if (latencies != null) {
      latencies.start();
    }
    Thread.sleep(spec.duration().toMillis());
    if (latencies != null) {
      latencies.stop();
    }
    long c1 = counter.getAsLong();
    long t1 = System.nanoTime();
    long cpuNanos = cpu == null ? -1 : cpu.elapsedNanos();
    Result r = new Result().put(metric, (c1 - c0) * 1e9 / (t1 - t0));
    if (cpuNanos >= 0 && c1 > c0) {
      r.put(Metric.CPU_PER_OP, (double) cpuNanos / (c1 - c0));
    }
    if (threads != null && c1 > c0) {
      r.note(threads.perOp(c1 - c0));
    }
    return r;
  }

  /** Room for every latency sample a window can produce at up to 200,000 per second. */
  public static int latencyCapacity(RunSpec spec) {
    return latencyCapacity(spec, 200_000);
  }

  /**
   * Room for every latency sample a window can produce at up to {@code perSecond}: for
   * workloads that record many requests in flight at once.
   */
  public static int latencyCapacity(RunSpec spec, long perSecond) {
    return (int) Math.min(50_000_000L, Math.max(100_000L,
        spec.duration().toMillis() * perSecond / 1000));
  }

  /** Starts a daemon thread: a scenario's threads must never keep the JVM alive. */
  public static Thread thread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
