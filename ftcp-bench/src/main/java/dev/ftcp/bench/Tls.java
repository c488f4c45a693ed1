package dev.ftcp.bench;

import dev.ftcp.TlsConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.net.ssl.SSLException;

/**
 * TLS material for the benchmarks: a self-signed RSA certificate for {@code localhost} and
 * 127.0.0.1, valid from 2000 to 2123 (no machine's clock finds it not yet valid), shipped as a
 * resource. Shipped rather than generated: Netty's {@code SelfSignedCertificate} does work on
 * JDK 17 without BouncyCastle, but Netty 4.2 deprecates it, and one fixed certificate keeps
 * every run's handshakes alike. The key protects nothing: it only ever encrypts loopback
 * traffic of this harness.
 *
 * <p>Both ftcp and the raw Netty baseline use OpenSSL (BoringSSL) where it loads and the JDK's
 * TLS otherwise, so their figures compare like with like. Thread-safe.
 */
public final class Tls {
  /** The name the certificate is issued to, verified by the clients. */
  public static final String HOST = "localhost";

  private static volatile Path dir;

  private Tls() {}

  /** "OpenSSL (BoringSSL)" or "JDK": which TLS implementation the figures are for. */
  public static String providerName() {
    return OpenSsl.isAvailable() ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK";
  }

  public static Path certPem() {
    return files().resolve("cert.pem");
  }

  public static Path keyPem() {
    return files().resolve("key.pem");
  }

  public static SslContext nettyServer() throws SSLException {
    return SslContextBuilder.forServer(certPem().toFile(), keyPem().toFile())
        .sslProvider(provider())
        .build();
  }

  /** A client context that trusts only the benchmark certificate and verifies the host name. */
  public static SslContext nettyClient() throws SSLException {
    return SslContextBuilder.forClient()
        .sslProvider(provider())
        .trustManager(certPem().toFile())
        .endpointIdentificationAlgorithm("HTTPS")
        .build();
  }

  public static TlsConfig ftcpServer() {
    return TlsConfig.server(certPem(), keyPem()).build();
  }

  /** Trusts only the benchmark certificate; verifies it is issued to {@link #HOST}. */
  public static TlsConfig ftcpClient() {
    return TlsConfig.client().trustPem(certPem()).serverName(HOST).build();
  }

  private static SslProvider provider() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  private static Path files() {
    Path d = dir;
    if (d == null) {
      synchronized (Tls.class) {
        d = dir;
        if (d == null) {
          d = extract();
          dir = d;
        }
      }
    }
    return d;
  }

  private static Path extract() {
    try {
      Path d = Files.createTempDirectory("ftcp-bench-tls");
      for (String name : new String[] {"cert.pem", "key.pem"}) {
        try (InputStream in = Tls.class.getResourceAsStream("tls/" + name)) {
          if (in == null) {
            throw new IllegalStateException("resource dev/ftcp/bench/tls/" + name + " missing");
          }
          Path f = d.resolve(name);
          Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
          f.toFile().deleteOnExit();
        }
      }
      d.toFile().deleteOnExit();
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the benchmark certificate", e);
    }
  }
}
