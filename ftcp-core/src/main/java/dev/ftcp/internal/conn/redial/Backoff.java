package dev.ftcp.internal.conn.redial;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Redial waits: the first attempt at once, then {@code initial}, doubling, capped at
 * {@code max}, each scaled by a random factor in [0.8, 1.2) so that a fleet of clients does not
 * hit a restarted server in lock-step. The random source is injectable for tests. Immutable.
 */
public final class Backoff {
  static final double JITTER = 0.2;

  private final long initialNanos;
  private final long maxNanos;
  private final DoubleSupplier random;

  public Backoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
  }

  /** The wait before attempt number {@code attempt} (0 = the first, immediate). */
  long delayNanos(int attempt) {
    if (attempt <= 0) {
      return 0;
    }
    long base = initialNanos;
    for (int i = 1; i < attempt && base < maxNanos; i++) {
      base *= 2;
    }
    base = Math.min(base, maxNanos);
    double factor = 1 - JITTER + 2 * JITTER * random.getAsDouble();
    return (long) (base * factor);
  }
}
