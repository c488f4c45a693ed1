package dev.ftcp.internal.conn.redial;

/** What the redialer needs of its client connection. Implemented by the connection. */
public interface RedialHost {
  /**
   * Event loop: whether an attempt should be made now. False when the connection ended or is
   * closing with nothing left to send; the host then ends it itself, and no attempt is made.
   */
  boolean beforeDial();

  /**
   * Event loop: starts one dial attempt. Its outcome comes back as the channel becoming ready,
   * or as {@link Redialer#attemptFailed}, possibly before this returns.
   */
  void dial();

  /** Event loop: no attempt succeeded within redialTimeout; {@code lastError} is the last one's. */
  void gaveUp(Throwable lastError);
}
