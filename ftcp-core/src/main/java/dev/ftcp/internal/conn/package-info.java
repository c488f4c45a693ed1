/**
 * Connections and listeners: the ftcp semantics on top of Netty. {@link RealConn} is the
 * facade and holds the state; which channel carries a connection ({@link ConnLink}), the
 * channel side ({@link Pipelines}, {@link ConnHandler}, {@link LinkEvents}), dialing
 * ({@link ClientDialing}, {@link DialErrors}), closing ({@link CloseSequence}), deadlines
 * ({@link IoDeadlines}), resumable sessions ({@link ResumableSession}, {@link ServerHandshake})
 * and the listener ({@link RealListener}) are here; the write path, the read path, requests,
 * redial and the sessions' control frames are in the subpackages {@code write}, {@code read},
 * {@code request}, {@code redial} and {@code session}.
 *
 * <p>Threads: a connection is pinned to one event loop for life, across redials, and its
 * socket-side state is confined to it; application threads never touch the socket, and the
 * event loop never blocks and runs application code only through a direct callback executor.
 *
 * <p>The write path, in short:
 *
 * <pre>
 *  write(msg) [any thread]   check; a permit (WriteRing.tryAcquire, parking on the ring's
 *                            Waiters while full; throwing instead on an I/O thread); the ID;
 *                            WriteRing.publish (volatile store of the slot);
 *                            BatchWriter.schedule: one drain task per burst of writes
 *  drain() [event loop]      resent frames (PendingWrites) first, then the ring, in batches of
 *                            at most 32 KiB or 1024 messages, one buffer and one progressive
 *                            promise each; one flush (under TLS: 16 KiB, one flush per batch);
 *                            the permits go back once per drain, after the flush (with a
 *                            resumable session: when the peer's ACK covers the messages)
 *  batch outcome [loop]      success confirms the batch; failure confirms the frames the kernel
 *                            took whole and leaves the rest to be sent first on the next channel
 * </pre>
 *
 * <p>Every step with its class and method, the read path, dialing, redial, closing and time:
 * docs/ARCHITECTURE.md.
 */
package dev.ftcp.internal.conn;
