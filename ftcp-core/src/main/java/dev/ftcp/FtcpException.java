package dev.ftcp;

import java.io.IOException;

/**
 * Base class of every I/O failure ftcp reports itself. Misuse of the API is reported with
 * {@link IllegalArgumentException} or {@link IllegalStateException} instead.
 */
public class FtcpException extends IOException {
  private static final long serialVersionUID = 1L;

  public FtcpException(String message) {
    super(message);
  }

  public FtcpException(String message, Throwable cause) {
    super(message, cause);
  }
}
