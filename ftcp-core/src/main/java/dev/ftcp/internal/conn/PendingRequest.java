package dev.ftcp.internal.conn;

import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.internal.Durations;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A request waiting for its reply, and the future its reply completes: one object per request,
 * which {@code requestAsync} returns as it is. Whoever removes it from the connection's
 * {@link PendingRequests} (the event loop on a reply, the connection's sweep of overdue
 * requests, or the end of the connection) owns its completion, so ftcp completes it exactly
 * once. A synchronous request is completed on the event loop (nothing but the waiting caller is
 * attached to it); an asynchronous one on the callback executor, because the application
 * attaches its own stages.
 *
 * <p>Stages the application derives from it are plain {@link CompletableFuture}s (this class
 * does not override {@code newIncompleteFuture}), so nothing of it reaches beyond the request.
 */
final class PendingRequest extends CompletableFuture<Message> {
  final long id;
  final boolean async;
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
