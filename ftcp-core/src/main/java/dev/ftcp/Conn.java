package dev.ftcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * An ftcp connection: write messages, read them through {@link Reader}s, make requests.
 *
 * <p>A client connection ({@link Ftcp#dial}) redials by itself when the link breaks and keeps
 * what was written until it can be sent; a server connection ({@link Listener#accept}) does not.
 *
 * <p>Thread-safe: every method may be called from any number of threads. Application code runs
 * on one of ftcp's own I/O threads only when it gives a direct callback executor
 * ({@link Options.Builder#callbackExecutor}); there a call that would wait throws
 * {@link IllegalStateException} instead, since waiting would deadlock the thread it waits for:
 * {@code request} always, {@code write} and {@code requestAsync} when the write queue is full.
 * {@code close} there returns without waiting for the linger.
 */
public interface Conn extends AutoCloseable {

  /**
   * Queues a message for sending and returns its ID: the message's own, or the next number of
   * this connection's sequence (1, 2, 3, ...) when it is 0. Returns as soon as the message is
   * queued; blocks only while the write queue is full. Messages go out in the order
   * {@code write} returned, across redials too.
   *
   * @throws NullPointerException when {@code msg} is null
   * @throws IllegalArgumentException for a payload too long for the frame size, or an ID or
   *     RepID outside 0..2^56-1; nothing is queued
   * @throws FtcpTimeoutException when the write deadline passes while blocked
   * @throws IllegalStateException when the write queue is full and this is an ftcp I/O thread
   *     (a callback of a direct callback executor), where waiting would deadlock
   * @throws ConnectionClosedException when the connection is closed, has failed, or gave up
   */
  long write(Message msg) throws IOException;

  /**
   * Queues a message for sending if the write queue has room, and returns its ID as
   * {@link #write} does; returns -1 when the queue is full, having queued nothing and used no
   * ID of the sequence. Never blocks: it neither waits for room nor for an I/O thread, so it
   * may be called anywhere, callbacks on ftcp's own I/O threads included, where {@code write}
   * throws on a full queue. The write deadline does not apply, as nothing waits. Messages go
   * out in the order {@code write} and {@code tryWrite} returned.
   *
   * @return the message's ID, or -1 when the write queue is full
   * @throws NullPointerException when {@code msg} is null
   * @throws IllegalArgumentException as {@link #write}: a payload too long for the frame size,
   *     or an ID or RepID outside 0..2^56-1; nothing is queued
   * @throws ConnectionClosedException when the connection is closed, has failed, or gave up
   */
  long tryWrite(Message msg) throws IOException;

  /**
   * Opens a reader. Every reader open when a message arrives receives it. Messages that arrived
   * while no reader was open are given to the first reader opened.
   */
  Reader reader();

  /**
   * Sends {@code msg} (assigning an ID if it is 0) and waits for the first message whose RepID
   * is that ID. Any number of requests may be in flight at once.
   *
   * @throws FtcpTimeoutException when no reply came within {@code timeout}
   * @throws IllegalStateException when a request with the same ID is already in flight
   * @throws ConnectionClosedException when the connection closes or gives up first
   */
  Message request(Message msg, Duration timeout) throws IOException;

  /**
   * As {@link #request}, without blocking: the future completes with the reply, or
   * exceptionally with {@link FtcpTimeoutException} or {@link ConnectionClosedException}. It is
   * completed on the callback executor ({@link Options.Builder#callbackExecutor}): never on an
   * I/O thread, unless that executor is a direct one. Blocks only while the write queue is full.
   *
   * @throws IllegalArgumentException as {@link #write}
   * @throws IllegalStateException when a request with the same ID is already in flight, or as
   *     {@link #write} when the write queue is full on an ftcp I/O thread
   */
  CompletableFuture<Message> requestAsync(Message msg, Duration timeout) throws IOException;

  /** Sets both the read and the write deadline. {@code null} clears them. */
  void setDeadline(Instant deadline);

  /**
   * {@code read()} calls still waiting at this instant throw {@link FtcpTimeoutException}; the
   * connection stays usable. {@code null} clears it.
   */
  void setReadDeadline(Instant deadline);

  /**
   * {@code write()} calls still blocked on a full queue at this instant throw
   * {@link FtcpTimeoutException}. {@code null} clears it.
   */
  void setWriteDeadline(Instant deadline);

  /** The local address of the current socket, or {@code null} while not connected. */
  InetSocketAddress localAddress();

  /** The peer's address (for a client, the address dialed). */
  InetSocketAddress remoteAddress();

  /** A snapshot of this connection's counters. */
  ConnStats stats();

  /** True until {@link #close()} is called or the connection fails for good. */
  boolean isOpen();

  /**
   * Stops new writes, sends what is queued (waiting at most {@code closeLinger}), closes the
   * socket, fails pending requests and wakes every reader with
   * {@link ConnectionClosedException} once its buffer is drained. Idempotent.
   */
  @Override
  void close();
}
