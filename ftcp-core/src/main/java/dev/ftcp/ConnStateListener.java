package dev.ftcp;

/**
 * Told of a connection's state changes. Called on the callback executor
 * ({@link Options.Builder#callbackExecutor}), one call at a time per connection and in the order
 * the changes happened; never on an I/O thread, unless that executor is a direct one (then
 * these methods must not block). Every method does nothing by default. What a method throws
 * is logged and does not reach the connection or later calls. Implementations are called from
 * ftcp's threads, so they must be safe to call from another thread than the one that made
 * them.
 */
public interface ConnStateListener {
  /** Does nothing. */
  ConnStateListener NONE = new ConnStateListener() {};

  /**
   * The connection was established for the first time.
   *
   * @param conn the connection
   */
  default void connected(Conn conn) {}

  /**
   * The link broke; a client connection starts redialing.
   *
   * @param conn the connection
   * @param cause why the link broke
   */
  default void disconnected(Conn conn, Throwable cause) {}

  /**
   * A client connection is established again.
   *
   * @param conn the connection
   * @param attempts the dial attempts it took
   */
  default void redialed(Conn conn, int attempts) {}

  /**
   * A client connection stopped redialing: its redial timeout passed.
   *
   * @param conn the connection
   * @param lastError the last dial error
   */
  default void gaveUp(Conn conn, Throwable lastError) {}

  /**
   * The connection was closed by {@link Conn#close()}.
   *
   * @param conn the connection
   */
  default void closed(Conn conn) {}
}
