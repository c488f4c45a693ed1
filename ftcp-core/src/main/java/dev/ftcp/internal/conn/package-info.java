/**
 * Connections, readers, requests and listeners: the ftcp semantics on top of Netty.
 *
 * <h2>Threads</h2>
 *
 * One shared Netty event-loop group ({@link dev.ftcp.internal.IoGroup}), referenced by every
 * open connection and listener and shut down when the last one closes. A connection is pinned
 * to one event loop for its whole life, across redials, so all of its socket-side state is
 * confined to that thread and needs no lock. Application threads never touch the socket; the
 * event loop never blocks and runs application code only through a direct callback executor
 * (state-listener calls and {@code requestAsync}/{@code readAsync} completions go to the
 * callback executor); such code may write, but a write that finds the ring full throws
 * instead of parking the loop that would empty it. Timeouts of asynchronous
 * requests run on one shared wheel timer (thread {@code ftcp-timer-N}, 10 ms ticks), not on
 * the event loops: one sweep per connection at a time, armed for the earliest deadline of its
 * requests in flight, not one timeout per request.
 *
 * <h2>Write path: user thread → ring → event loop → one flush per batch</h2>
 *
 * <pre>
 *  write(msg) [any thread]
 *    validate; id = msg.id() or seq.incrementAndGet()
 *    WriteRing.acquire()       permit counter; parks only while writeQueueDepth are queued
 *    WriteRing.publish(msg,id) claim a slot (one getAndIncrement), store release
 *    if no drain is scheduled: eventLoop.execute(drain)     (one wake-up per burst, not per write)
 *
 *  drain() [event loop]
 *    while the channel is writable:
 *      move messages ring → PendingWrites (≤ 32 KiB or 1024 messages), release their permits
 *      encode the whole batch into ONE pooled buffer, write it with one progressive promise
 *    flush once
 *    clear "scheduled" only now (writers that published meanwhile scheduled nothing), look at
 *    the ring once more: anything there gets a new drain task, queued from the loop itself
 *
 *  batch promise [event loop]
 *    success: drop the batch's messages from PendingWrites (the kernel has them)
 *    failure: drop the frames the kernel took whole (promise progress), keep the rest;
 *             a client resends them first on the next connection, in order
 * </pre>
 *
 * The write path allocates nothing per message: the ring and PendingWrites are arrays of
 * (message, id) pairs, a batch costs one buffer and one promise. Writers park only on a full
 * ring, and are unparked by the event loop when it frees slots.
 *
 * <h2>Read path: event loop → bounded per-reader buffers → pause socket reads when full</h2>
 *
 * <pre>
 *  socket → [SslHandler] → [writeTimeout] → FrameDecoder → [idleTimeout] → ConnHandler
 *    (writeTimeout and idleTimeout are Netty IdleStateHandlers; idleTimeout sits after the
 *    decoder, so only whole messages count as activity)
 *    FrameDecoder: every whole frame of the read, parsed straight from the read's buffer (no
 *                  cumulation, no slice per frame; a frame cut by the read's end is copied
 *                  aside until the next reads finish it); only the payload array and the
 *                  Message are allocated;
 *                  passed on as one DecodedFrames per read, so the pipeline carries one event
 *                  per read, not one per message; ConnHandler hands each message on:
 *    repId matches a pending request?   complete it (sync: unpark the caller; async: batch the
 *                                       completion for the callback executor; nothing to cancel,
 *                                       the connection's sweep skips what is answered). The
 *                                       requests in flight: PendingRequests, an open-addressing
 *                                       table of primitive IDs behind one lock; the request is
 *                                       the future requestAsync returns (nothing boxed, no node)
 *    readers open?                      append to every reader's buffer (fan-out): single-
 *                                       producer queue, plain stores, no compare-and-set
 *    else, not a completed reply        append to the backlog (given to the next reader)
 *    any buffer at readerBufferDepth    channel autoRead off: the peer feels TCP backpressure
 *  every 64 messages of one read batch (hand-over)
 *    complete the async requests and reads answered so far (one callback-executor task each),
 *    then drain what their callbacks wrote: a long batch of requests is answered in pieces, so
 *    the peer works on the first replies while this side decodes the rest (blocked readers are
 *    left to the batch's end: waking them per piece cost one-way throughput)
 *  channelReadComplete (once per read batch: the socket reads of one readiness event)
 *    publish the read counters; per reader: one fence, unpark blocked readers, pair waiting
 *    asynchronous reads with buffered messages and complete them in one callback-executor task
 *
 *  readAsync() [any thread]
 *    take a buffered message at once; else add the future to the reader's waiting queue (a
 *    compare-and-set) and look at the buffer again: a message that slipped in meanwhile, or the
 *    end, sends one settle task to the event loop; otherwise the next batch end finds the
 *    future. Waiting costs the event loop nothing.
 *
 *  read() [any thread]
 *    poll own buffer; park while empty; when a reader drains below half its depth while reading
 *    is paused, it asks the event loop to resume (autoRead on once every buffer has room)
 * </pre>
 *
 * A buffer's size is two counters, offered (written by the event loop) and taken (by whoever
 * holds the take lock), not one atomic both sides update per message.
 *
 * Reading pauses before the next socket read, so a buffer can exceed its depth by what one
 * socket read decoded (at most one read-buffer's worth of frames); memory stays bounded.
 *
 * <h2>Lifecycle</h2>
 *
 * A connection owns its ring, PendingWrites, readers, backlog and pending requests; the
 * channel under it is replaceable. A client connection whose channel fails redials
 * ({@link dev.ftcp.internal.conn.Backoff}) on the same event loop and, once connected again,
 * resends PendingWrites and continues draining the ring. A server connection, or a client
 * that gives up, becomes terminal: writes throw, pending requests fail, queued messages are
 * discarded and counted, readers drain their buffers and then throw.
 */
package dev.ftcp.internal.conn;
