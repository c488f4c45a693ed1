package dev.ftcp;

/**
 * Told of a connection's state changes. Called on the callback executor
 * ({@link Options.Builder#callbackExecutor}), one call at a time per connection and in the order
 * the changes happened; never on an I/O thread, unless that executor is a direct one (then
 * these methods must not block). Every method does nothing by default. What a method throws
 * is logged and does not reach the connection or later calls. Implementations are called from
 * ftcp's threads, so they must be safe to call from another thread than the one that made
 * them.
 *
 * <p>What each side is told, in order:
 * <ul>
 *   <li>a client connection: {@code connected}; then for each broken link {@code disconnected}
 *       and, once a redial succeeds, {@code redialed}; at the end {@code closed} after
 *       {@link Conn#close()}, or {@code gaveUp} when no redial succeeded within the redial
 *       timeout;
 *   <li>a server connection: {@code connected} when it is accepted (after the TLS handshake);
 *       at the end {@code disconnected} followed by {@code closed} when its peer left or its
 *       link failed (a server connection does not redial), or {@code closed} alone after
 *       {@link Conn#close()}.
 * </ul>
 * With resumable sessions ({@link Options.Builder#resumable}) a client is told {@code resumed}
 * after {@code redialed} when its session went on, or {@code sessionLost} when the server no
 * longer had it; a server connection is told {@code disconnected} when its link breaks,
 * {@code resumed} when its client comes back, and {@code closed} when the client closed or
 * {@code resumeTimeout} passed (after {@code disconnected}).
 * A connection whose first dial failed, or a server connection that never became ready, is
 * told nothing. The options of a listener serve all its connections, so one listener object
 * may be told of many; tell them apart by the {@code conn} argument.
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
   * The link broke: a client connection starts redialing; a server connection ends, and
   * {@link #closed} follows.
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
   * A resumable session went on over a new link (docs/PROTOCOL.md §14.1): on a client after
   * {@link #redialed}, on a server when its client came back. Nothing was lost.
   *
   * @param conn the connection
   */
  default void resumed(Conn conn) {}

  /**
   * A resumable client found that its server no longer had the session (it restarted, or the
   * session expired): a new session began, and every message the old one had not acknowledged
   * is sent again, so those, and only those, may arrive twice.
   *
   * @param conn the connection
   * @param resent the messages sent again
   */
  default void sessionLost(Conn conn, long resent) {}

  /**
   * A client connection stopped redialing: its redial timeout passed.
   *
   * @param conn the connection
   * @param lastError the last dial error
   */
  default void gaveUp(Conn conn, Throwable lastError) {}

  /**
   * The connection ended for good: closed by {@link Conn#close()}, or, for a server connection,
   * after its link broke.
   *
   * @param conn the connection
   */
  default void closed(Conn conn) {}
}
