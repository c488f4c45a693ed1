package dev.ftcp.internal.time;

import java.time.Duration;

/**
 * Deadlines as {@link Clock#nanoTime()} values: the arithmetic that turns a timeout into one
 * without overflowing, and the value that stands for none. Stateless.
 */
public final class Deadlines {
  /** A deadline that never comes: what {@link #after} gives for an endless timeout. */
  public static final long NONE = Long.MAX_VALUE - 1;

  private Deadlines() {}

  /**
   * The deadline {@code timeout} after {@code now}: {@code now} itself for a negative timeout,
   * {@link #NONE} when it lies beyond what a nanosecond reading can hold.
   */
  public static long after(long now, Duration timeout) {
    long n = timeout.isNegative() ? 0 : saturatedNanos(timeout);
    long d = now + n;
    return (n == Long.MAX_VALUE || d - now < 0 || d >= NONE) ? NONE : d;
  }

  /** Whether {@code deadline} has come at {@code now} ({@link #NONE} and MAX_VALUE never do). */
  public static boolean passed(long deadline, long now) {
    return deadline < NONE && now - deadline >= 0;
  }

  /** The duration in nanoseconds, or {@link Long#MAX_VALUE} where it does not fit. */
  public static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
