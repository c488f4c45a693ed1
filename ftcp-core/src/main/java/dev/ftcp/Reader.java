package dev.ftcp;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One reader of a connection's incoming messages. Every reader open when a message arrives
 * receives it, in arrival order. Each reader buffers up to {@code readerBufferDepth} messages;
 * while any reader's buffer is full, the connection stops reading from its socket.
 *
 * <p>Thread-safe: several threads may read from one reader; each message goes to one of them.
 * Close readers that are no longer read, or they hold the connection's reading up.
 */
public interface Reader extends AutoCloseable {

  /**
   * The next message; blocks until one arrives (on a client connection, across redials too),
   * the read deadline passes, or this reader or the connection ends.
   *
   * @return the next message
   * @throws FtcpTimeoutException when the connection's read deadline passes
   * @throws ConnectionClosedException when this reader is closed, or the connection is closed
   *     or gave up and this reader's buffer is empty
   * @throws IllegalStateException on one of ftcp's I/O threads, where waiting would deadlock
   * @throws java.io.InterruptedIOException when the thread is interrupted while waiting; the
   *     interrupt flag stays set
   * @throws IOException only as one of the above
   */
  Message read() throws IOException;

  /**
   * The next message, waiting at most {@code timeout}; otherwise as {@link #read()}.
   *
   * @param timeout how long to wait; zero or negative takes only a message already buffered
   * @return the next message
   * @throws NullPointerException when {@code timeout} is null
   * @throws FtcpTimeoutException when none came in time, or the read deadline passed
   * @throws ConnectionClosedException as {@link #read()}
   * @throws IllegalStateException on one of ftcp's I/O threads, where waiting would deadlock
   * @throws java.io.InterruptedIOException as {@link #read()}
   * @throws IOException only as one of the above
   */
  Message read(Duration timeout) throws IOException;

  /**
   * The next message, without blocking or holding a thread: the future completes with it on the
   * callback executor ({@link Options.Builder#callbackExecutor}: never on an I/O thread, unless
   * that executor is a direct one; a message already buffered completes it at once), or
   * exceptionally with {@link ConnectionClosedException} when this reader is closed or the
   * connection ends first. Each call takes one message; blocking and asynchronous reads of one
   * reader share its messages in arrival order, each message going to exactly one of them.
   * Read deadlines do not apply: use {@link CompletableFuture#orTimeout}. May be called on any
   * thread, ftcp's I/O threads included; throws nothing.
   *
   * @return the future message
   */
  CompletableFuture<Message> readAsync();

  /**
   * Stops this reader; messages still in its buffer are dropped, blocked reads throw
   * {@link ConnectionClosedException}. Idempotent; does not block and throws nothing.
   */
  @Override
  void close();
}
