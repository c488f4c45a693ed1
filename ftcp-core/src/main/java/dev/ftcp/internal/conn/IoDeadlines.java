package dev.ftcp.internal.conn;

import dev.ftcp.internal.time.Deadlines;
import java.time.Duration;
import java.time.Instant;

/**
 * A connection's read and write deadlines ({@code Conn.setDeadline} and its two halves), as
 * {@link System#nanoTime()} readings: the calls they bound park in real time. The connection
 * wakes the calls blocked under an old deadline after setting a new one. A connection holds
 * {@link #NONE} until its first deadline is set. Thread-safe: two volatile fields.
 */
final class IoDeadlines {
  /** No deadlines; shared, never set. */
  static final IoDeadlines NONE = new IoDeadlines();

  private volatile long read = Long.MAX_VALUE;
  private volatile long write = Long.MAX_VALUE;

  void setRead(Instant deadline) {
    read = nanosAt(deadline);
  }

  void setWrite(Instant deadline) {
    write = nanosAt(deadline);
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
