package dev.ftcp.internal.conn;

import dev.ftcp.Message;
import io.netty.util.Timeout;
import java.util.concurrent.CompletableFuture;

/**
 * A request waiting for its reply. Whoever removes it from the connection's map of pending
 * requests (the event loop on a reply, the timeout, or the end of the connection) owns its
 * completion, so it completes exactly once. A synchronous request's future is completed on the
 * event loop (nothing but the waiting caller is attached to it); an asynchronous one's on the
 * callback executor, because the application attaches its own stages.
 */
final class PendingRequest {
  final long id;
  final boolean async;
  final CompletableFuture<Message> future = new CompletableFuture<>();
  volatile Timeout timeout; // async only: set after sending, so a fast reply may find it null
  Message reply; // set by the event loop before an async completion is handed over

  PendingRequest(long id, boolean async) {
    this.id = id;
    this.async = async;
  }
}
