package dev.ftcp;

/**
 * The peer sent bytes that are not a valid ftcp frame: a frame shorter than its two 8-byte ID
 * slots, a varint that does not end inside its slot, or a length above {@code maxFrameLength}.
 * The connection that received it is failed (a client connection redials).
 */
public class FrameFormatException extends FtcpException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with this detail message.
   *
   * @param message the detail message
   */
  public FrameFormatException(String message) {
    super(message);
  }
}
