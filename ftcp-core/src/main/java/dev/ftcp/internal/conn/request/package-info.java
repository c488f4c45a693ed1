/**
 * Request/reply: the requests in flight ({@link PendingRequests} of {@link PendingRequest}s),
 * matching replies to them, the per-connection sweep that times out asynchronous requests, and
 * the memory of timed-out IDs that recognizes late replies ({@link TimedOutIds}), all behind
 * {@link Requests}. Requests are sent from application threads, replies matched on the event
 * loop, sweeps run on the timer thread; asynchronous requests complete on the callback executor.
 */
package dev.ftcp.internal.conn.request;
