package dev.ftcp;

/**
 * Told of a connection's state changes. Called on the callback executor
 * ({@link Options.Builder#callbackExecutor}), one call at a time per connection and in the order
 * the changes happened; never on an I/O thread. Every method does nothing by default.
 */
public interface ConnStateListener {
  /** Does nothing. */
  ConnStateListener NONE = new ConnStateListener() {};

  /** The connection was established for the first time. */
  default void connected(Conn conn) {}

  /** The link broke; a client connection starts redialing. */
  default void disconnected(Conn conn, Throwable cause) {}

  /** A client connection is established again after {@code attempts} dial attempts. */
  default void redialed(Conn conn, int attempts) {}

  /** A client connection stopped redialing; {@code lastError} is the last dial error. */
  default void gaveUp(Conn conn, Throwable lastError) {}

  /** The connection was closed by {@link Conn#close()}. */
  default void closed(Conn conn) {}
}
