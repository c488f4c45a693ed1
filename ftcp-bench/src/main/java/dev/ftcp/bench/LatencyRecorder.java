package dev.ftcp.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records latencies as plain nanosecond values and sorts them once at the end: exact
 * percentiles, no dependency, and recording is one array store. Any number of threads may
 * record at once; a sample that does not fit the capacity given at construction is counted as
 * dropped rather than growing the array in the middle of a measurement.
 */
public final class LatencyRecorder {
  private final long[] samples;
  private final AtomicInteger next = new AtomicInteger();
  private volatile boolean recording;

  public LatencyRecorder(int capacity) {
    samples = new long[capacity];
  }

  /** From now on, {@link #record} keeps samples; warm-up samples before this are ignored. */
  public void start() {
    recording = true;
  }

  /** From now on, {@link #record} ignores samples. */
  public void stop() {
    recording = false;
  }

  public boolean isRecording() {
    return recording;
  }

  public void record(long nanos) {
    if (!recording) {
      return;
    }
    int i = next.getAndIncrement();
    if (i < samples.length) {
      samples[i] = nanos;
    }
  }

  /** Samples kept (not counting those dropped for want of room). */
  public int count() {
    return Math.min(next.get(), samples.length);
  }

  /** Samples offered while recording, kept or not. */
  public int offered() {
    return next.get();
  }

  /**
   * Puts p50, p99 and p999 (in microseconds) and the run's {@link LatencySeries} into
   * {@code result}. Call after {@link #stop()}
   * and after the recording threads are known to be done (a happens-before edge with them).
   */
  public Result percentilesInto(Result result) {
    int n = count();
    if (n == 0) {
      return result.note("no latency samples");
    }
    long[] sorted = Arrays.copyOf(samples, n);
    Arrays.sort(sorted);
    result.put(Metric.P50_MICROS, percentile(sorted, 0.50) / 1000.0);
    result.put(Metric.P99_MICROS, percentile(sorted, 0.99) / 1000.0);
    result.put(Metric.P999_MICROS, percentile(sorted, 0.999) / 1000.0);
    result.latency(LatencySeries.of(sorted));
    if (n < 1000) {
      result.note("only " + n + " samples: p999 is the maximum");
    }
    if (offered() > samples.length) {
      result.note((offered() - samples.length) + " samples beyond capacity not recorded");
    }
    return result;
  }

  /** The nearest-rank percentile. */
  static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
