package dev.ftcp.internal;

import dev.ftcp.Message;
import javax.net.ssl.SSLSession;

/**
 * Access from the implementation to what the public API keeps package-private (OkHttp's
 * {@code Internal} pattern). The public classes fill these in from their static initializers.
 */
public final class Internal {
  private Internal() {}

  /** Builds a received message that carries its TLS session. */
  @FunctionalInterface
  public interface MessageFactory {
    Message create(long id, long repId, byte[] data, SSLSession tlsSession);
  }

  public static volatile MessageFactory messages;

  static {
    // Make sure Message's static initializer has run before anyone reads the field.
    try {
      Class.forName(Message.class.getName(), true, Internal.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A message received from the wire. */
  public static Message received(long id, long repId, byte[] data, SSLSession session) {
    return messages.create(id, repId, data, session);
  }
}
