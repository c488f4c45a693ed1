package dev.ftcp;

/**
 * The connection, reader or listener is closed, has failed, or (for a client connection) has
 * given up redialing. When the connection gave up, the cause is the last dial error.
 */
public class ConnectionClosedException extends FtcpException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with this detail message.
   *
   * @param message the detail message
   */
  public ConnectionClosedException(String message) {
    super(message);
  }

  /**
   * An exception with this detail message and cause.
   *
   * @param message the detail message
   * @param cause what caused it
   */
  public ConnectionClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
