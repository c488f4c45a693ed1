package dev.ftcp;

/**
 * A blocking call ran out of time: a {@code read} or {@code request} timeout, or a read or
 * write deadline. The connection stays usable. The original Go package's {@code ErrTimeout}.
 */
public class FtcpTimeoutException extends FtcpException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with this detail message.
   *
   * @param message the detail message
   */
  public FtcpTimeoutException(String message) {
    super(message);
  }
}
