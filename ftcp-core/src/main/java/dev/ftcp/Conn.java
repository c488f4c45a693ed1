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
 * {@link #tryWrite} never waits, so it is the way to write there without that risk.
 * {@code close} there returns without waiting for the linger.
 */
public interface Conn extends AutoCloseable {

  /**
   * Queues a message for sending and returns its ID: the message's own, or the next number of
   * this connection's sequence (1, 2, 3, ...) when it is 0. Returns as soon as the message is
   * queued; blocks only while the write queue is full, until there is room, the write deadline
   * passes or the connection ends. Messages go out in the order {@code write} returned, across
   * redials too.
   *
   * @param msg the message; its payload array must not change until this returns
   * @return the message's ID
   * @throws NullPointerException when {@code msg} is null
   * @throws IllegalArgumentException for a payload too long for the frame size, or an ID or
   *     RepID outside 0..2^56-1; nothing is queued
   * @throws FtcpTimeoutException when the write deadline passes while blocked
   * @throws IllegalStateException when the write queue is full and this is an ftcp I/O thread
   *     (a callback of a direct callback executor), where waiting would deadlock
   * @throws ConnectionClosedException when the connection is closed, has failed, or gave up,
   *     before or while blocked
   * @throws java.io.InterruptedIOException when the thread is interrupted while blocked; the
   *     interrupt flag stays set and nothing is queued
   * @throws IOException only as one of the above
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
   * @param msg the message; its payload array must not change until this returns
   * @return the message's ID, or -1 when the write queue is full
   * @throws NullPointerException when {@code msg} is null
   * @throws IllegalArgumentException as {@link #write}: a payload too long for the frame size,
   *     or an ID or RepID outside 0..2^56-1; nothing is queued
   * @throws ConnectionClosedException when the connection is closed, has failed, or gave up
   * @throws IOException only as one of the above
   */
  long tryWrite(Message msg) throws IOException;

  /**
   * Opens a reader. Every reader open when a message arrives receives it. Messages that arrived
   * while no reader was open are given to the first reader opened. Waits briefly for the
   * connection's I/O thread to register the reader, so that no message handled after this
   * returns can miss it; on an ftcp I/O thread it does not wait. On a connection that has
   * ended, the reader returns what was buffered and then throws
   * {@link ConnectionClosedException}.
   *
   * @return a new reader; close it when done
   */
  Reader reader();

  /**
   * Sends {@code msg} (assigning an ID if it is 0) and waits for the first message whose RepID
   * is that ID. Any number of requests may be in flight at once. Blocks: first as
   * {@link #write} while the write queue is full, then until the reply comes, the timeout
   * passes or the connection ends. Read deadlines do not apply; the write deadline applies
   * while the write queue is full.
   *
   * @param msg the request
   * @param timeout how long to wait for the reply
   * @return the reply
   * @throws NullPointerException when {@code msg} or {@code timeout} is null
   * @throws IllegalArgumentException as {@link #write}
   * @throws FtcpTimeoutException when no reply came within {@code timeout}, or the write
   *     deadline passed while the write queue was full
   * @throws IllegalStateException on an ftcp I/O thread, where waiting would deadlock; or when
   *     a request with the same ID is already in flight
   * @throws ConnectionClosedException when the connection is closed, or closes or gives up
   *     before the reply comes
   * @throws java.io.InterruptedIOException when the thread is interrupted while waiting; the
   *     interrupt flag stays set
   * @throws IOException only as one of the above
   */
  Message request(Message msg, Duration timeout) throws IOException;

  /**
   * As {@link #request}, without waiting for the reply: the future completes with the reply,
   * or exceptionally with {@link FtcpTimeoutException} when {@code timeout} passes (give or
   * take the timer's 10 ms tick) or {@link ConnectionClosedException} when the connection ends
   * first. It is completed on the callback executor ({@link Options.Builder#callbackExecutor}:
   * never on an I/O thread, unless that executor is a direct one). Blocks only as
   * {@link #write} does, while the write queue is full.
   *
   * @param msg the request
   * @param timeout how long to wait for the reply
   * @return the future reply
   * @throws NullPointerException when {@code msg} or {@code timeout} is null
   * @throws IllegalArgumentException as {@link #write}
   * @throws IllegalStateException when a request with the same ID is already in flight, or as
   *     {@link #write} when the write queue is full on an ftcp I/O thread
   * @throws FtcpTimeoutException when the write deadline passes while the write queue is full
   * @throws ConnectionClosedException when the connection is already closed, has failed or
   *     gave up, or ends while this waits for room in the write queue
   * @throws java.io.InterruptedIOException as {@link #write}
   * @throws IOException only as one of the above
   */
  CompletableFuture<Message> requestAsync(Message msg, Duration timeout) throws IOException;

  /**
   * Sets both the read and the write deadline. Does not block.
   *
   * @param deadline the instant, or {@code null} to clear both
   */
  void setDeadline(Instant deadline);

  /**
   * {@code read()} calls still waiting at this instant throw {@link FtcpTimeoutException}; the
   * connection stays usable. An instant already past makes every blocking read throw at once.
   * Does not block.
   *
   * @param deadline the instant, or {@code null} to clear it
   */
  void setReadDeadline(Instant deadline);

  /**
   * {@code write()} calls still blocked on a full queue at this instant throw
   * {@link FtcpTimeoutException}. Does not block.
   *
   * @param deadline the instant, or {@code null} to clear it
   */
  void setWriteDeadline(Instant deadline);

  /**
   * The local address of the current socket. Does not block.
   *
   * @return the address, or {@code null} while not connected (a client redialing)
   */
  InetSocketAddress localAddress();

  /**
   * The peer's address. Does not block.
   *
   * @return the socket's remote address; for a client while redialing, the address dialed
   */
  InetSocketAddress remoteAddress();

  /**
   * A snapshot of this connection's counters. Does not block.
   *
   * @return the counters now
   */
  ConnStats stats();

  /**
   * Whether the connection is usable. Does not block.
   *
   * @return true until {@link #close()} is called or the connection fails for good
   */
  boolean isOpen();

  /**
   * Stops new writes, sends what is queued, closes the socket, fails pending requests and
   * wakes every reader with {@link ConnectionClosedException} once its buffer is drained.
   * Blocks until the connection has ended: at most {@code closeLinger} for what is queued to be
   * sent, plus a few seconds' bound on the rest; on an ftcp I/O thread it returns at once and
   * the connection ends in the background. Idempotent; throws nothing. An interrupt stops the
   * wait (the flag stays set) but not the closing.
   */
  @Override
  void close();
}
