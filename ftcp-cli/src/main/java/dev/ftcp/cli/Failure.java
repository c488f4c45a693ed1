package dev.ftcp.cli;

/**
 * An operation failed in a way the command has already put into words: the message is the whole
 * line shown to the user, and the exit code is 1.
 */
final class Failure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  Failure(String message) {
    super(message);
  }

  Failure(String message, Throwable cause) {
    super(message, cause);
  }
}
