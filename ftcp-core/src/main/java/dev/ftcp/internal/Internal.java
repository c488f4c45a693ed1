package dev.ftcp.internal;

import dev.ftcp.Message;
import dev.ftcp.TlsConfig;
import io.netty.handler.ssl.SslContext;
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

  /** Reads the Netty context a {@link TlsConfig} built (a package-private field there). */
  @FunctionalInterface
  public interface TlsContexts {
    SslContext context(TlsConfig config);
  }

  public static volatile TlsContexts tlsContexts;

  static {
    // Make sure the static initializers that fill in the hooks have run before anyone reads them.
    try {
      Class.forName(Message.class.getName(), true, Internal.class.getClassLoader());
      Class.forName(TlsConfig.class.getName(), true, Internal.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A message received from the wire. */
  public static Message received(long id, long repId, byte[] data, SSLSession session) {
    return messages.create(id, repId, data, session);
  }

  /** The Netty context of a built {@link TlsConfig}. */
  public static SslContext sslContext(TlsConfig config) {
    return tlsContexts.context(config);
  }
}
