package dev.ftcp.internal.conn.read;

import dev.ftcp.Message;

/**
 * What a resumable session (docs/PROTOCOL.md §14.1) sees of the read path: every received
 * message before it is dispatched, and the end of each read batch, when it acknowledges what
 * came. Event loop only.
 */
public interface SessionHooks {
  /**
   * A received message: counts a data message and returns true, or takes a control frame of
   * the session and returns false (it goes no further).
   */
  boolean onReceived(Message m);

  /** The end of a read batch: acknowledges the messages received since the last one. */
  void readComplete();
}
