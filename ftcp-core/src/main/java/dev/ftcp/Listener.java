package dev.ftcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Accepts server connections. Connections are accepted by an I/O thread as they come, so none
 * of their messages is lost before {@link #accept()} returns them; at most
 * {@code acceptQueueDepth} wait, after which accepting pauses.
 *
 * <p>Thread-safe: any number of threads may call {@code accept} at once.
 */
public interface Listener extends AutoCloseable {

  /**
   * The next connection; blocks until one arrives or the listener is closed.
   *
   * @return the next accepted connection
   * @throws ConnectionClosedException when the listener is closed
   * @throws IllegalStateException on one of ftcp's I/O threads, where waiting would deadlock
   * @throws java.io.InterruptedIOException when the thread is interrupted while waiting; the
   *     interrupt flag stays set
   * @throws IOException only as one of the above
   */
  Conn accept() throws IOException;

  /**
   * The next connection, waiting at most {@code timeout}; otherwise as {@link #accept()}.
   *
   * @param timeout how long to wait
   * @return the next accepted connection
   * @throws NullPointerException when {@code timeout} is null
   * @throws FtcpTimeoutException when none came in time
   * @throws ConnectionClosedException when the listener is closed
   * @throws IllegalStateException on one of ftcp's I/O threads, where waiting would deadlock
   * @throws java.io.InterruptedIOException as {@link #accept()}
   * @throws IOException only as one of the above
   */
  Conn accept(Duration timeout) throws IOException;

  /**
   * The next connection, without a thread waiting for it: the future completes with it on the
   * callback executor ({@link Options.Builder#callbackExecutor}), as {@link Reader#readAsync}
   * does, or exceptionally with {@link ConnectionClosedException} when the listener is or gets
   * closed. Each connection goes to exactly one caller of {@code accept} or {@code acceptAsync};
   * waiting futures are served in the order they were made. A future cancelled before it
   * completed takes no connection. Never blocks; may be called on any thread, ftcp's I/O threads
   * included.
   *
   * @return the future of the next accepted connection
   */
  CompletableFuture<Conn> acceptAsync();

  /**
   * The address listened on. Does not block.
   *
   * @return the address, with the port the system chose for port 0
   */
  InetSocketAddress address();

  /**
   * Connections this listener holds open now: accepted or waiting to be, and, with resumable
   * sessions, sessions waiting for their client to come back; what {@code maxConnections}
   * bounds. Does not block.
   *
   * @return the count now
   */
  int openConnections();

  /**
   * Connections refused because {@code maxConnections} were already open. Does not block.
   *
   * @return the count since the listener opened
   */
  long refusedConnections();

  /**
   * Stops accepting; {@code accept} calls blocked in it throw {@link ConnectionClosedException},
   * and {@code acceptAsync} futures complete with it.
   * Connections already returned by {@code accept} stay open; those not yet taken are closed,
   * each as {@link Conn#close()} does. Blocks while the server socket closes and those
   * connections end. Idempotent; throws nothing.
   */
  @Override
  void close();
}
