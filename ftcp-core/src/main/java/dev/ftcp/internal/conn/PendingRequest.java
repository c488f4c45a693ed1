package dev.ftcp.internal.conn;

import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.internal.Durations;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A request waiting for its reply. Whoever removes it from the connection's map of pending
 * requests (the event loop on a reply, the connection's sweep of overdue requests, or the end
 * of the connection) owns its completion, so it completes exactly once. A synchronous
 * request's future is completed on the event loop (nothing but the waiting caller is attached
 * to it); an asynchronous one's on the callback executor, because the application attaches its
 * own stages.
 */
final class PendingRequest {
  final long id;
  final boolean async;
  final CompletableFuture<Message> future = new CompletableFuture<>();
  final Duration timeout;
  final long deadline; // async: System.nanoTime() when the timeout passes, or RealConn.NO_DEADLINE
  Message reply; // set by the event loop before an async completion is handed over

  PendingRequest(long id, boolean async, Duration timeout) {
    this.id = id;
    this.async = async;
    this.timeout = timeout;
    this.deadline = async ? RealConn.deadlineAfter(timeout) : RealConn.NO_DEADLINE;
  }

  /** What a caller gets when no reply came within the timeout. */
  FtcpTimeoutException timedOut() {
    return new FtcpTimeoutException("no reply to request " + id + " within "
        + Durations.human(timeout));
  }
}
