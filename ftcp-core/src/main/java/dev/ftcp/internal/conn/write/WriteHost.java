package dev.ftcp.internal.conn.write;

import dev.ftcp.ConnectionClosedException;
import io.netty.channel.Channel;

/** What the write path needs of its connection. Implemented by the connection; thread-safe. */
public interface WriteHost {
  /** Whether {@code write} may queue: the connection is open, not closing or ended. */
  boolean acceptsWrites();

  /** Whether the connection has ended (closed or failed): what is queued is discarded. */
  boolean ended();

  /** The exception a write gets once the connection no longer accepts writes. */
  ConnectionClosedException closedException();

  /** The ready channel, or {@code null} while dialing or after the end. */
  Channel channel();

  /** Event loop: whether close has ended our direction of the stream (nothing more goes out). */
  boolean outputShut();

  /** Runs a task on the connection's event loop; false when the loop takes no more tasks. */
  boolean runOnLoop(Runnable task);

  /** Event loop: a drain or a batch's outcome may have emptied the queue (close goes on). */
  void afterWrite();

  /**
   * The write deadline as a {@link System#nanoTime()} reading (blocked writers park in real time),
   * {@link Long#MAX_VALUE} for none.
   */
  long writeDeadline();
}
