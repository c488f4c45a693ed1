package dev.ftcp.bench;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One run's latency distribution, compact: the latency at each of {@link #PERCENTS} (nearest
 * rank, in microseconds), p0 the fastest sample and p100 the slowest, and how many samples it
 * summarises. The JSON report carries it per run as {@code "latency": {"samples": n, "micros":
 * {"p0": .., "p50": .., "p99.99": .., "p100": ..}}}, from which the latency charts are drawn.
 * Immutable.
 *
 * @param samples how many latencies were recorded; 0 where unknown
 * @param micros percentile (0 to 100) to latency in microseconds, ascending
 */
public record LatencySeries(int samples, NavigableMap<Double, Double> micros) {
  /** The percentiles kept: enough for a curve from the median to the tail. */
  public static final double[] PERCENTS =
      {0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100};

  public LatencySeries {
    micros = Collections.unmodifiableNavigableMap(new TreeMap<>(micros));
  }

  /** The series of {@code sorted}, nanosecond latencies in ascending order (at least one). */
  public static LatencySeries of(long[] sorted) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    NavigableMap<Double, Double> m = new TreeMap<>();
    for (double p : PERCENTS) {
      m.put(p, LatencyRecorder.percentile(sorted, p / 100) / 1000.0);
    }
    return new LatencySeries(sorted.length, m);
  }

  /** The JSON name of a percentile: "p0", "p99.9", "p100". */
  public static String key(double percent) {
    return "p" + BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString();
  }

  /** The percentile a {@link #key} names, or NaN for any other name. */
  public static double percentOf(String key) {
    if (key.length() < 2 || key.charAt(0) != 'p') {
      return Double.NaN;
    }
    try {
      double p = Double.parseDouble(key.substring(1));
      return p >= 0 && p <= 100 ? p : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
