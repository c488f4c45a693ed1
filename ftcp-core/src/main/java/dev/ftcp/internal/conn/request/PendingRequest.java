package dev.ftcp.internal.conn.request;

import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.internal.Durations;
import dev.ftcp.internal.time.Deadlines;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A request waiting for its reply, and the future its reply completes: one object per request,
 * which {@code requestAsync} returns as it is. Whoever removes it from the connection's
 * {@link PendingRequests} (the event loop on a reply, the connection's sweep of overdue
 * requests, the connection's end, or the application cancelling it) owns its completion, so
 * ftcp completes it exactly once. A synchronous request is completed on the event loop (nothing
 * but the waiting caller is attached to it); an asynchronous one on the callback executor,
 * because the application attaches its own stages.
 *
 * <p>Stages the application derives from it are plain {@link CompletableFuture}s (this class
 * does not override {@code newIncompleteFuture}), so nothing of it reaches beyond the request.
 */
public final class PendingRequest extends CompletableFuture<Message> {
  final long id;
  final boolean async;
  final Duration timeout;
  final long deadline; // async: a Clock reading when the timeout passes, or Deadlines.NONE
  private final PendingRequests table;
  Message reply; // set by the event loop before an async completion is handed over

  PendingRequest(long id, boolean async, Duration timeout, long deadline, PendingRequests table) {
    this.id = id;
    this.async = async;
    this.timeout = timeout;
    this.deadline = async ? deadline : Deadlines.NONE;
    this.table = table;
  }

  /** The request's ID, under which its reply comes. */
  public long id() {
    return id;
  }

  /**
   * Cancelling takes the request out of flight at once: its ID may be used again, and a reply
   * that comes later is an ordinary message, for the readers or the backlog.
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      table.remove(this);
    }
    return cancelled;
  }

  /** What a caller gets when no reply came within the timeout. */
  FtcpTimeoutException timedOut() {
    return new FtcpTimeoutException("no reply to request " + id + " within "
        + Durations.human(timeout));
  }
}
