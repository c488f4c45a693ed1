package dev.ftcp.internal.conn;

import dev.ftcp.internal.time.Deadlines;
import java.time.Duration;
import java.time.Instant;

/**
 * A connection's read and write deadlines ({@code Conn.setDeadline} and its two halves), as
 * {@link System#nanoTime()} readings: the calls they bound park in real time. Setting one wakes
 * the calls blocked under the old one, to measure themselves against the new. Thread-safe: two
 * volatile fields.
 */
final class IoDeadlines {
  private final Runnable wakeReaders;
  private final Runnable wakeWriters;
  private volatile long read = Long.MAX_VALUE;
  private volatile long write = Long.MAX_VALUE;

  IoDeadlines(Runnable wakeReaders, Runnable wakeWriters) {
    this.wakeReaders = wakeReaders;
    this.wakeWriters = wakeWriters;
  }

  void setRead(Instant deadline) {
    read = nanosAt(deadline);
    wakeReaders.run();
  }

  void setWrite(Instant deadline) {
    write = nanosAt(deadline);
    wakeWriters.run();
  }

  /** The read deadline, {@link Long#MAX_VALUE} for none. */
  long read() {
    return read;
  }

  /** The write deadline, {@link Long#MAX_VALUE} for none. */
  long write() {
    return write;
  }

  private static long nanosAt(Instant t) {
    if (t == null) {
      return Long.MAX_VALUE;
    }
    return Deadlines.after(System.nanoTime(), Duration.between(Instant.now(), t));
  }
}
