package dev.ftcp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LatencyHistogramTest {

  @Test
  void emptyHistogramSaysZero() {
    LatencyHistogram h = new LatencyHistogram();
    assertThat(h.count()).isZero();
    assertThat(h.percentile(50)).isZero();
    assertThat(h.max()).isZero();
  }

  @Test
  void smallValuesAreExact() {
    LatencyHistogram h = new LatencyHistogram();
    for (int v = 1; v <= 100; v++) {
      h.record(v);
    }
    assertThat(h.percentile(50)).isEqualTo(50);
    assertThat(h.percentile(99)).isEqualTo(99);
    assertThat(h.percentile(100)).isEqualTo(100);
    assertThat(h.min()).isEqualTo(1);
  }

  @Test
  void percentilesWithinOnePercentOfTheExactOnes() {
    SplittableRandom random = new SplittableRandom(42);
    long[] values = new long[100_000];
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < values.length; i++) {
      // log-uniform from 1 us to 100 ms, as latencies spread
      values[i] = (long) Math.pow(10, 3 + 5 * random.nextDouble());
      h.record(values[i]);
    }
    Arrays.sort(values);
    for (double p : new double[] {50, 90, 99, 99.9}) {
      long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
      assertThat((double) h.percentile(p)).as("p%s", p).isCloseTo(exact, within(exact * 0.01));
    }
    assertThat(h.max()).isEqualTo(values[values.length - 1]);
  }

  @Test
  void bucketsCoverEveryLong() {
    assertThat(LatencyHistogram.index(Long.MAX_VALUE)).isEqualTo(128 + 56 * 128 - 1);
    for (long v : new long[] {127, 128, 129, 255, 256, 1 << 20, (1L << 40) + 12345}) {
      long middle = LatencyHistogram.middle(LatencyHistogram.index(v));
      assertThat((double) middle).as("%s", v).isCloseTo(v, within(v / 128.0 + 1));
    }
  }
}
