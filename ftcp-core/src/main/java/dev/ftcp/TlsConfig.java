package dev.ftcp;

import dev.ftcp.internal.Defaults;
import dev.ftcp.internal.Internal;
import dev.ftcp.internal.tls.SslContexts;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * TLS settings for {@link Ftcp#dialTls} (client side) or {@link Ftcp#listenTls} (server side).
 *
 * <p>A client verifies the server's certificate chain against the system trust store and the
 * server's host name by default, as Go's {@code tls.Dial} does. Only TLS 1.3 and 1.2 are spoken.
 *
 * <p>{@link Builder#build()} reads every file and builds the TLS context then, once, so that a
 * missing or malformed certificate or key, a key that does not match its certificate, or a
 * provider that cannot load fails there, with a message naming the problem: {@link
 * IllegalArgumentException} for a bad setting or file, {@link IllegalStateException} for a
 * provider that is not available. Certificates and keys are read again only by building a new
 * config.
 *
 * <p>Private keys are read from PEM files unencrypted, in PKCS#8 ({@code BEGIN PRIVATE KEY}) or
 * as OpenSSL writes RSA and EC keys ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE
 * KEY}).
 *
 * <p>Immutable and thread-safe: one config can serve any number of connections. No method
 * blocks on the network; {@link Builder#build()} and the methods that build at once read files
 * and may load a native library.
 */
public final class TlsConfig {
  /** Which TLS implementation runs the handshake and the record layer. */
  public enum Provider {
    /** OpenSSL (BoringSSL) where its native library loads, the JDK's otherwise. */
    AUTO,
    /** OpenSSL (BoringSSL); fails at build time where its native library does not load. */
    OPENSSL,
    /** The JDK's own TLS. */
    JDK
  }

  /** Default time a TLS handshake may take before the connection fails (see {@link Options}). */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Defaults.HANDSHAKE_TIMEOUT;

  static {
    // The Netty context stays package-private; dev.ftcp.internal.tls reads it through this hook.
    Internal.tlsContexts = config -> config.context;
  }

  private final boolean client;
  private final String serverName;
  private final boolean insecureSkipVerify;
  private final Provider provider;
  private final Duration handshakeTimeout;
  private final SslContext context;

  private TlsConfig(Builder b, Provider provider, SslContext context) {
    this.client = b.client;
    this.serverName = b.serverName;
    this.insecureSkipVerify = b.insecureSkipVerify;
    this.provider = provider;
    this.handshakeTimeout = b.handshakeTimeout;
    this.context = context;
  }

  /**
   * A client configuration: system trust store, host name verified.
   *
   * @return a builder of a client configuration
   */
  public static Builder client() {
    return new Builder(true);
  }

  /**
   * A client configuration that uses an {@link SSLContext} the application already has, through
   * the JDK's TLS, limited to TLS 1.3 and 1.2. The server's host name is still verified.
   *
   * @param context the application's context, used as it is
   * @return the built configuration
   * @throws NullPointerException when {@code context} is null
   * @throws IllegalArgumentException when the context enables neither TLS 1.3 nor TLS 1.2
   */
  public static TlsConfig client(SSLContext context) {
    Builder b = new Builder(true);
    b.sslContext = Objects.requireNonNull(context, "context");
    b.provider = Provider.JDK;
    return b.build();
  }

  /**
   * A server configuration serving this certificate chain and private key; the files are read
   * by {@link Builder#build()}.
   *
   * @param certChainPem the certificate chain, PEM, the server's own certificate first
   * @param keyPem the private key of the first certificate, PEM, unencrypted
   * @return a builder of a server configuration
   * @throws NullPointerException when either is null
   */
  public static Builder server(Path certChainPem, Path keyPem) {
    Builder b = new Builder(false);
    b.certChainPem = Objects.requireNonNull(certChainPem, "certChainPem");
    b.keyPem = Objects.requireNonNull(keyPem, "keyPem");
    return b;
  }

  /**
   * A server configuration serving the key entry of this KeyStore.
   *
   * @param keyStore a loaded KeyStore holding one private key entry
   * @param password the key's password; copied
   * @return a builder of a server configuration
   * @throws NullPointerException when either is null
   */
  public static Builder server(KeyStore keyStore, char[] password) {
    Builder b = new Builder(false);
    b.keyStore = Objects.requireNonNull(keyStore, "keyStore");
    b.keyStorePassword = Objects.requireNonNull(password, "password").clone();
    return b;
  }

  /**
   * A server configuration that uses an {@link SSLContext} the application already has, through
   * the JDK's TLS, limited to TLS 1.3 and 1.2. It does not ask for client certificates.
   *
   * @param context the application's context, used as it is
   * @return the built configuration
   * @throws NullPointerException when {@code context} is null
   * @throws IllegalArgumentException when the context enables neither TLS 1.3 nor TLS 1.2
   */
  public static TlsConfig server(SSLContext context) {
    Builder b = new Builder(false);
    b.sslContext = Objects.requireNonNull(context, "context");
    b.provider = Provider.JDK;
    return b.build();
  }

  /**
   * Which side this configuration is for.
   *
   * @return true for a client configuration, false for a server one
   */
  public boolean isClient() {
    return client;
  }

  /**
   * The provider that runs.
   *
   * @return {@link Provider#OPENSSL} or {@link Provider#JDK}, never AUTO
   */
  public Provider provider() {
    return provider;
  }

  /**
   * How long a handshake may take before the connection fails.
   *
   * @return the timeout
   */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /**
   * The host name sent in SNI and verified.
   *
   * @return the name, or {@code null} for the dialed host
   */
  public String serverName() {
    return serverName;
  }

  /**
   * Whether the peer's certificate and name go unverified (tests only).
   *
   * @return true when they are not verified at all
   */
  public boolean insecureSkipVerify() {
    return insecureSkipVerify;
  }

  /** The side and the provider, for logs; flags a config that verifies nothing. */
  @Override
  public String toString() {
    return "TlsConfig{" + (client ? "client" : "server") + ", provider=" + provider
        + (insecureSkipVerify ? ", INSECURE (no verification)" : "") + "}";
  }

  /**
   * Builds a {@link TlsConfig}. A setter of the other side's settings throws
   * {@link IllegalStateException} naming it. Not thread-safe; no setter blocks.
   */
  public static final class Builder {
    private final boolean client;
    private Path trustPem;
    private KeyStore trustStore;
    private Path certChainPem;
    private Path keyPem;
    private KeyStore keyStore;
    private char[] keyStorePassword;
    private Path clientCaPem;
    private String serverName;
    private boolean insecureSkipVerify;
    private Provider provider = Provider.AUTO;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private SSLContext sslContext;

    private Builder(boolean client) {
      this.client = client;
    }

    /**
     * Trust only the certificates in this PEM file (replaces the system trust store). Client
     * only; the file is read by {@link #build()}.
     *
     * @param pem the trusted certificates
     * @return this builder
     * @throws NullPointerException when {@code pem} is null
     * @throws IllegalStateException on a server builder
     */
    public Builder trustPem(Path pem) {
      requireClient("trustPem");
      trustPem = Objects.requireNonNull(pem, "pem");
      return this;
    }

    /**
     * Trust only the certificates in this KeyStore (replaces the system trust store). Client
     * only.
     *
     * @param store a loaded KeyStore of trusted certificates
     * @return this builder
     * @throws NullPointerException when {@code store} is null
     * @throws IllegalStateException on a server builder
     */
    public Builder trustStore(KeyStore store) {
      requireClient("trustStore");
      trustStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * The client certificate chain and key to present for mutual TLS. Client only; the files
     * are read by {@link #build()}.
     *
     * @param certChainPem the certificate chain, PEM, the client's own certificate first
     * @param keyPem the private key of the first certificate, PEM, unencrypted
     * @return this builder
     * @throws NullPointerException when either is null
     * @throws IllegalStateException on a server builder
     */
    public Builder keyPairPem(Path certChainPem, Path keyPem) {
      requireClient("keyPairPem");
      this.certChainPem = Objects.requireNonNull(certChainPem, "certChainPem");
      this.keyPem = Objects.requireNonNull(keyPem, "keyPem");
      return this;
    }

    /**
     * The host name to send (SNI) and to verify, instead of the dialed host. Client only.
     *
     * @param name the host name
     * @return this builder
     * @throws NullPointerException when {@code name} is null
     * @throws IllegalStateException on a server builder
     */
    public Builder serverName(String name) {
      requireClient("serverName");
      serverName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Accept any server certificate, for any name. For tests only: it lets anyone in the middle
     * read and change the traffic. Logged at WARN each time a connection uses it. Overrides
     * {@link #trustPem} and {@link #trustStore}. Client only.
     *
     * @return this builder
     * @throws IllegalStateException on a server builder
     */
    public Builder insecureSkipVerify() {
      requireClient("insecureSkipVerify");
      insecureSkipVerify = true;
      return this;
    }

    /**
     * Require client certificates signed by a CA in this PEM file (mutual TLS). Server only;
     * the file is read by {@link #build()}.
     *
     * @param trustPem the CA certificates client certificates must be signed by
     * @return this builder
     * @throws NullPointerException when {@code trustPem} is null
     * @throws IllegalStateException on a client builder
     */
    public Builder requireClientAuth(Path trustPem) {
      if (client) {
        throw new IllegalStateException("requireClientAuth is a server setting");
      }
      clientCaPem = Objects.requireNonNull(trustPem, "trustPem");
      return this;
    }

    /**
     * Which TLS implementation to use. Default {@link Provider#AUTO}: OpenSSL where it loads, the
     * JDK's otherwise.
     *
     * @param provider the implementation
     * @return this builder
     * @throws NullPointerException when {@code provider} is null
     */
    public Builder provider(Provider provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * How long a handshake may take; its default is in the table of {@link Options}.
     *
     * @param handshakeTimeout a positive duration
     * @return this builder
     * @throws NullPointerException when {@code handshakeTimeout} is null
     * @throws IllegalArgumentException when it is zero or negative
     */
    public Builder handshakeTimeout(Duration handshakeTimeout) {
      Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
      if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
        throw new IllegalArgumentException(
            "handshakeTimeout must be positive, was " + handshakeTimeout);
      }
      this.handshakeTimeout = handshakeTimeout;
      return this;
    }

    /**
     * Reads the files and builds the TLS context.
     *
     * @return the configuration
     * @throws IllegalArgumentException a file is missing, unreadable or malformed, a key does not
     *     match its certificate, a KeyStore or its password is wrong, or the settings conflict
     * @throws IllegalStateException the chosen provider is not available here
     */
    public TlsConfig build() {
      Provider resolved = sslContext != null ? Provider.JDK : SslContexts.resolve(provider);
      SslContext context;
      if (sslContext != null) {
        context = SslContexts.wrap(sslContext, client);
      } else if (client) {
        context =
            SslContexts.client(
                resolved, trustPem, trustStore, certChainPem, keyPem, insecureSkipVerify);
      } else {
        context =
            SslContexts.server(
                resolved, certChainPem, keyPem, keyStore, keyStorePassword, clientCaPem);
      }
      return new TlsConfig(this, resolved, context);
    }

    private void requireClient(String setting) {
      if (!client) {
        throw new IllegalStateException(setting + " is a client setting");
      }
    }
  }
}
