package dev.ftcp.internal.tls;

import dev.ftcp.TlsConfig;
import dev.ftcp.internal.Internal;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the connection core gets its TLS: one {@link SslHandler} per connection, made from the
 * context a {@link TlsConfig} built, and a readable error when a handshake fails.
 *
 * <p>The handler goes first in the pipeline, before the frame codec. Its {@link
 * SslHandler#handshakeFuture()} completes when the handshake is done; then {@code
 * handler.engine().getSession()} is the session to attach to each message received on that
 * connection (a redial makes a new handler and so a new session).
 *
 * <p>Each buffer written to a handler is wrapped on its own ({@link SslHandler#setWrapDataSize}
 * 0): one write of at most {@link #RECORD_WRITE_BYTES} is one TLS record, and no record joins
 * the end of one write to the start of the next. The write path counts on it (a batch is one
 * record, so a batch whose write failed never reached the peer), and it lets one flush carry
 * many records.
 *
 * <p>Stateless and thread-safe; the handlers it returns belong to one channel each.
 */
public final class TlsHandlers {
  private TlsHandlers() {}

  private static final Logger log = LoggerFactory.getLogger(TlsHandlers.class);

  /**
   * The largest write that either provider wraps as one record. TLS allows 16 KiB of plaintext a
   * record, but the JDK's TLS 1.3 pads each record by 16 bytes within that, so it cuts a 16 KiB
   * write after 16,367 bytes; OpenSSL takes 16 KiB whole. The rest is margin.
   */
  public static final int RECORD_WRITE_BYTES = 16 * 1024 - 256;

  /**
   * SslHandler's wrap size that wraps each written buffer as it is: its default (16 KiB) joins
   * buffers into full records, which cuts a batch between two records.
   */
  private static final int WRAP_EACH_WRITE = 0;

  /**
   * A client-side handler for a connection to {@code host:port}. The name sent in SNI and checked
   * against the server's certificate is {@link TlsConfig#serverName()} if set, else {@code host}
   * (a host name, or an IP literal checked against the certificate's IP addresses).
   *
   * @throws IllegalArgumentException the config is a server config
   */
  public static SslHandler newClientHandler(
      TlsConfig cfg, ByteBufAllocator alloc, String host, int port) {
    Objects.requireNonNull(host, "host");
    if (!cfg.isClient()) {
      throw new IllegalArgumentException("a server TlsConfig cannot dial: " + cfg);
    }
    String name = cfg.serverName() != null ? cfg.serverName() : unbracket(host);
    // The name given here is what the JDK and Netty's OpenSSL engine verify and send in SNI.
    SslHandler handler = Internal.sslContext(cfg).newHandler(alloc, name, port);
    SSLEngine engine = handler.engine();
    SSLParameters params = engine.getSSLParameters();
    // Said on every engine, not left to the context: a wrapped application SSLContext does not
    // set it, and without it the JDK checks the chain but not the name.
    params.setEndpointIdentificationAlgorithm(cfg.insecureSkipVerify() ? null : "HTTPS");
    if (!NetUtil.isValidIpV4Address(name) && !NetUtil.isValidIpV6Address(name)) {
      try {
        params.setServerNames(List.of(new SNIHostName(name)));
      } catch (IllegalArgumentException notAnSniName) {
        // e.g. a name with '_': send no SNI, the certificate is still checked against it
      }
    }
    engine.setSSLParameters(params);
    handler.setHandshakeTimeoutMillis(cfg.handshakeTimeout().toMillis());
    handler.setWrapDataSize(WRAP_EACH_WRITE);
    if (cfg.insecureSkipVerify()) {
      log.warn(
          "TLS to {}:{} does NOT verify the server's certificate or name (insecureSkipVerify):"
              + " anyone in the path can read and change this traffic. For tests only.",
          host,
          port);
    }
    return handler;
  }

  /**
   * A server-side handler; it requires a client certificate when the config was built with
   * {@code requireClientAuth}.
   *
   * @throws IllegalArgumentException the config is a client config
   */
  public static SslHandler newServerHandler(TlsConfig cfg, ByteBufAllocator alloc) {
    if (cfg.isClient()) {
      throw new IllegalArgumentException("a client TlsConfig cannot serve: " + cfg);
    }
    SslHandler handler = Internal.sslContext(cfg).newHandler(alloc);
    handler.setHandshakeTimeoutMillis(cfg.handshakeTimeout().toMillis());
    handler.setWrapDataSize(WRAP_EACH_WRITE);
    return handler;
  }

  /**
   * An exception whose message says, in words, why a handshake with {@code peer} failed:
   * untrusted certificate, host name mismatch, expired certificate, client certificate missing
   * or rejected, a peer that does not speak TLS, a timeout. The original is its cause. Pass the
   * cause of a failed {@link SslHandler#handshakeFuture()} or whatever {@code exceptionCaught}
   * received during the handshake ({@code DecoderException} wrappers are looked through).
   *
   * @param peer how to name the other end in the message, e.g. {@code "localhost:9443"}
   * @return an {@link javax.net.ssl.SSLHandshakeException}
   */
  public static IOException describeHandshakeFailure(Throwable cause, String peer) {
    return HandshakeFailure.describe(cause, peer);
  }

  private static String unbracket(String host) {
    return host.length() > 1 && host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1)
        : host;
  }
}
