package dev.ftcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Accepts server connections. Connections are accepted by an I/O thread as they come, so none
 * of their messages is lost before {@link #accept()} returns them; at most
 * {@code acceptQueueDepth} wait, after which accepting pauses.
 *
 * <p>Thread-safe: any number of threads may call {@code accept} at once.
 */
public interface Listener extends AutoCloseable {

  /**
   * The next connection; blocks until one arrives.
   *
   * @throws ConnectionClosedException when the listener is closed
   * @throws IllegalStateException on one of ftcp's I/O threads
   */
  Conn accept() throws IOException;

  /**
   * The next connection, waiting at most {@code timeout}.
   *
   * @throws FtcpTimeoutException when none came in time
   * @throws ConnectionClosedException when the listener is closed
   */
  Conn accept(Duration timeout) throws IOException;

  /** The address listened on, with the port the system chose for port 0. */
  InetSocketAddress address();

  /** Connections refused because {@code maxConnections} were already open. */
  long refusedConnections();

  /**
   * Stops accepting; {@code accept} calls blocked in it throw {@link ConnectionClosedException}.
   * Connections already returned by {@code accept} stay open; those not yet taken are closed.
   * Idempotent.
   */
  @Override
  void close();
}
