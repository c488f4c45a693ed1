package dev.ftcp;

import java.io.IOException;

/**
 * Base class of every I/O failure ftcp reports itself. Misuse of the API is reported with
 * {@link IllegalArgumentException} or {@link IllegalStateException} instead.
 */
public class FtcpException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with this detail message.
   *
   * @param message the detail message
   */
  public FtcpException(String message) {
    super(message);
  }

  /**
   * An exception with this detail message and cause.
   *
   * @param message the detail message
   * @param cause what caused it
   */
  public FtcpException(String message, Throwable cause) {
    super(message, cause);
  }
}
