package dev.ftcp.internal.conn.redial;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The redial schedule, exactly: the random source is injected. */
@Timeout(10)
class BackoffTest {
  private static final Duration BASE = Duration.ofMillis(20);
  private static final Duration CAP = Duration.ofSeconds(2);

  @Test
  void firstAttemptIsImmediateThenDoublingFromTheBaseUpToTheCap() {
    Backoff noJitter = new Backoff(BASE, CAP, () -> 0.5); // factor exactly 1
    assertThat(noJitter.delayNanos(0)).isZero();
    long[] expectedMillis = {20, 40, 80, 160, 320, 640, 1280, 2000, 2000, 2000};
    for (int attempt = 1; attempt <= expectedMillis.length; attempt++) {
      assertThat(noJitter.delayNanos(attempt))
          .as("attempt %d", attempt)
          .isEqualTo(Duration.ofMillis(expectedMillis[attempt - 1]).toNanos());
    }
    assertThat(noJitter.delayNanos(10_000)).isEqualTo(CAP.toNanos()); // no overflow
  }

  @Test
  void jitterStaysWithinPlusOrMinusTwentyPercentAndUsesTheWholeRange() {
    Backoff lowest = new Backoff(BASE, CAP, () -> 0.0);
    Backoff highest = new Backoff(BASE, CAP, () -> Math.nextDown(1.0));
    assertThat(lowest.delayNanos(1)).isEqualTo(Duration.ofMillis(16).toNanos());
    assertThat(highest.delayNanos(1)).isBetween(Duration.ofMillis(23).toNanos(),
        Duration.ofMillis(24).toNanos());
    assertThat(lowest.delayNanos(20)).isEqualTo(Duration.ofMillis(1600).toNanos());

    SplittableRandom random = new SplittableRandom(42);
    Backoff real = new Backoff(BASE, CAP, random::nextDouble);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 10_000; i++) {
      long d = real.delayNanos(3); // nominal 80 ms
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertThat(min).isGreaterThanOrEqualTo(Duration.ofMillis(64).toNanos());
    assertThat(max).isLessThan(Duration.ofMillis(96).toNanos());
    // 10,000 draws cover the range: a fleet of clients does not come back in lock-step.
    assertThat(max - min).isGreaterThan(Duration.ofMillis(30).toNanos());
  }
}
