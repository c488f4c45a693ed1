package dev.ftcp.internal.tls;

import dev.ftcp.TlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;

/** Builds the SslHandler of a connection from its {@link TlsConfig}. (Placeholder: TLS lands with issue 4.) */
public final class TlsHandlers {
  private TlsHandlers() {}

  public static SslHandler newClientHandler(
      TlsConfig cfg, ByteBufAllocator alloc, String host, int port) {
    throw new UnsupportedOperationException("TLS is not implemented yet");
  }

  public static SslHandler newServerHandler(TlsConfig cfg, ByteBufAllocator alloc) {
    throw new UnsupportedOperationException("TLS is not implemented yet");
  }

  public static IOException describeHandshakeFailure(Throwable cause, String peer) {
    return new IOException("TLS handshake with " + peer + " failed: " + cause, cause);
  }
}
