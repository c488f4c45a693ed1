package dev.ftcp.cli;

/**
 * Counts latencies in log-linear buckets, in the manner of HdrHistogram: exact below 128 ns, and
 * within 1/128 (0.8%) above, for any value a long holds. Recording costs a few instructions and
 * allocates nothing, so the measurement does not disturb what it measures.
 *
 * <p>Not thread-safe: one thread records; read it after recording has stopped.
 */
final class LatencyHistogram {
  private static final int SUB_BITS = 7;
  private static final int SUB_COUNT = 1 << SUB_BITS; // 128 buckets per power of two

  private final long[] counts = new long[SUB_COUNT + (63 - SUB_BITS) * SUB_COUNT];
  private long count;
  private long min = Long.MAX_VALUE;
  private long max;

  /** Records one latency in nanoseconds; negative values count as 0. */
  void record(long nanos) {
    long v = Math.max(0, nanos);
    counts[index(v)]++;
    count++;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }

  long count() {
    return count;
  }

  long max() {
    return max;
  }

  long min() {
    return count == 0 ? 0 : min;
  }

  /**
   * The value at or below which {@code percent} of recordings fall (the middle of its bucket,
   * never above the largest value recorded); 0 when nothing was recorded.
   */
  long percentile(double percent) {
    if (count == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(percent / 100.0 * count));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.max(min, Math.min(max, middle(i)));
      }
    }
    return max;
  }

  static int index(long v) {
    if (v < SUB_COUNT) {
      return (int) v;
    }
    int magnitude = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
    int shift = magnitude - SUB_BITS;
    int sub = (int) (v >>> shift) - SUB_COUNT; // drop the leading one bit
    return SUB_COUNT + shift * SUB_COUNT + sub;
  }

  /** The middle of the values bucket {@code i} holds. */
  static long middle(int i) {
    if (i < SUB_COUNT) {
      return i;
    }
    int shift = (i - SUB_COUNT) / SUB_COUNT;
    long low = (long) (SUB_COUNT + (i - SUB_COUNT) % SUB_COUNT) << shift;
    return low + ((1L << shift) >>> 1);
  }
}
