package dev.ftcp.internal.conn.read;

import dev.ftcp.ConnectionClosedException;
import io.netty.channel.Channel;
import java.util.concurrent.Executor;

/** What the read path needs of its connection. Implemented by the connection; thread-safe. */
public interface ReadHost {
  /** Whether the connection has ended (closed or failed). */
  boolean ended();

  /** The exception a read gets once the connection has ended and its reader is empty. */
  ConnectionClosedException closedException();

  /** The ready channel, or {@code null} while dialing or after the end. */
  Channel channel();

  /** Event loop: whether close has ended our direction of the stream and only reads on. */
  boolean outputShut();

  /** Whether the caller runs on the connection's event loop. */
  boolean inLoop();

  /** Runs a task on the connection's event loop; false when the loop takes no more tasks. */
  boolean runOnLoop(Runnable task);

  /** Runs a task on the event loop and waits for it; false when the loop takes no more tasks. */
  boolean runOnLoopAndWait(Runnable task);

  /**
   * Event loop: socket reads resumed on {@code ch} after a pause; the idle timeout counts from
   * now, since the time paused says nothing of the peer.
   */
  void readingResumed(Channel ch);

  /** The executor that runs application callbacks. */
  Executor callbacks();

  /**
   * The read deadline as a {@link System#nanoTime()} reading (blocked readers park in real time),
   * {@link Long#MAX_VALUE} for none.
   */
  long readDeadline();
}
