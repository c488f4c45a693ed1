package dev.ftcp.internal.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies exactly as the JDK trust manager it wraps (chain, validity, and the host name when the
 * engine asks for it), and when that fails throws a {@link CertificateRejected} that says why in
 * words, with the JDK's exception as its cause.
 *
 * <p>It also keeps host name mismatches clear with OpenSSL on the module path: Netty wraps trust
 * managers for its OpenSSL engine in one that rewrites the JDK's "No subject alternative..."
 * message using {@code javax.naming}, which module {@code io.netty.handler} does not read, so the
 * user would get an {@code IllegalAccessError} instead. Our message does not start that way.
 *
 * <p>Thread-safe, as the JDK's trust managers are.
 */
final class ExplainingTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager delegate;

  ExplainingTrustManager(X509ExtendedTrustManager delegate) {
    this.delegate = delegate;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw CertificateRejected.of(e, chain, "server", engine == null ? null : engine.getPeerHost());
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    try {
      delegate.checkClientTrusted(chain, authType, engine);
    } catch (CertificateException e) {
      throw CertificateRejected.of(e, chain, "client", null);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw CertificateRejected.of(e, chain, "server", null);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    try {
      delegate.checkClientTrusted(chain, authType, socket);
    } catch (CertificateException e) {
      throw CertificateRejected.of(e, chain, "client", null);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      delegate.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      throw CertificateRejected.of(e, chain, "server", null);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    try {
      delegate.checkClientTrusted(chain, authType);
    } catch (CertificateException e) {
      throw CertificateRejected.of(e, chain, "client", null);
    }
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return delegate.getAcceptedIssuers();
  }
}
