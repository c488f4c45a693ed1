package dev.ftcp.internal.tls;

import dev.ftcp.TlsConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Netty {@link SslContext} a {@link TlsConfig} holds. Runs once, when the config is
 * built, so that every problem with files, keys or the provider shows up there, with a message
 * naming it, and not at the first dial: an {@link IllegalArgumentException} for a bad setting or
 * file, an {@link IllegalStateException} for a provider that cannot run here.
 *
 * <p>Stateless and thread-safe.
 */
public final class SslContexts {
  private SslContexts() {}

  private static final Logger log = LoggerFactory.getLogger(SslContexts.class);

  static final String TLS13 = "TLSv1.3";
  static final String TLS12 = "TLSv1.2";
  // TLS 1.0 and 1.1 are broken and off everywhere. Both providers speak 1.3: the JDK since 11,
  // and netty-tcnative-boringssl-static always.
  private static final String[] PROTOCOLS = {TLS13, TLS12};

  /**
   * The provider that will run: {@code AUTO} becomes {@code OPENSSL} where its native library
   * loads and {@code JDK} otherwise; {@code OPENSSL} where it does not load is an error.
   */
  public static TlsConfig.Provider resolve(TlsConfig.Provider requested) {
    if (requested == TlsConfig.Provider.JDK) {
      return requested; // do not load a native library nobody asked for
    }
    return resolve(requested, OpenSsl.isAvailable(), OpenSsl.unavailabilityCause());
  }

  static TlsConfig.Provider resolve(
      TlsConfig.Provider requested, boolean openSslAvailable, Throwable unavailabilityCause) {
    switch (requested) {
      case JDK:
        return TlsConfig.Provider.JDK;
      case OPENSSL:
        if (!openSslAvailable) {
          throw new IllegalStateException(
              "TLS provider OPENSSL is not available here: " + unavailabilityCause
                  + " (netty-tcnative-boringssl-static for this platform must be on the class path"
                  + " or, on the module path, its modules resolved; or use Provider.AUTO or JDK)",
              unavailabilityCause);
        }
        return TlsConfig.Provider.OPENSSL;
      case AUTO:
      default:
        if (!openSslAvailable) {
          log.debug("OpenSSL is not available, using the JDK's TLS", unavailabilityCause);
        }
        return openSslAvailable ? TlsConfig.Provider.OPENSSL : TlsConfig.Provider.JDK;
    }
  }

  /**
   * A client context.
   *
   * @param trustPem the only trusted roots, or null
   * @param trustStore the only trusted roots, or null; at most one of the two
   * @param certChainPem client certificate chain for mutual TLS, or null
   * @param keyPem its private key, or null
   * @param insecureSkipVerify trust any certificate for any name
   */
  public static SslContext client(
      TlsConfig.Provider provider,
      Path trustPem,
      KeyStore trustStore,
      Path certChainPem,
      Path keyPem,
      boolean insecureSkipVerify) {
    if (trustPem != null && trustStore != null) {
      throw new IllegalStateException("set trustPem or trustStore, not both");
    }
    SslContextBuilder b =
        SslContextBuilder.forClient()
            .sslProvider(sslProvider(provider))
            .protocols(PROTOCOLS)
            // Netty 4.2's default for clients too, but verification must not hang on a default.
            // TlsHandlers sets it again on each engine, which wrapped contexts rely on.
            .endpointIdentificationAlgorithm(insecureSkipVerify ? null : "HTTPS");
    if (insecureSkipVerify) {
      b.trustManager(InsecureTrustManagerFactory.INSTANCE);
    } else if (trustPem != null) {
      b.trustManager(trustCertificates(Pem.readCertificates(trustPem, "trustPem"), "trustPem"));
    } else if (trustStore != null) {
      b.trustManager(trustStore(trustStore, "trustStore"));
    } else {
      b.trustManager(trustStore(null, "the system trust store"));
    }
    if (certChainPem != null) {
      List<X509Certificate> chain = Pem.readCertificates(certChainPem, "certificate chain");
      PrivateKey key = Pem.readPrivateKey(keyPem, "private key");
      requireMatch(key, chain.get(0), certChainPem, keyPem);
      warnIfNotValidNow(chain.get(0), certChainPem);
      b.keyManager(key, chain);
    }
    return build(b, "client");
  }

  /**
   * A server context serving a PEM chain and key, or the key entries of a KeyStore.
   *
   * @param clientCaPem when not null, client certificates are required and must chain to a CA in
   *     this file
   */
  public static SslContext server(
      TlsConfig.Provider provider,
      Path certChainPem,
      Path keyPem,
      KeyStore keyStore,
      char[] keyStorePassword,
      Path clientCaPem) {
    SslContextBuilder b;
    if (keyStore != null) {
      b = SslContextBuilder.forServer(keyManagerFactory(keyStore, keyStorePassword));
    } else {
      List<X509Certificate> chain = Pem.readCertificates(certChainPem, "certificate chain");
      PrivateKey key = Pem.readPrivateKey(keyPem, "private key");
      requireMatch(key, chain.get(0), certChainPem, keyPem);
      warnIfNotValidNow(chain.get(0), certChainPem);
      b = SslContextBuilder.forServer(key, chain);
    }
    b.sslProvider(sslProvider(provider)).protocols(PROTOCOLS);
    if (clientCaPem != null) {
      String what = "client CA file (requireClientAuth)";
      b.trustManager(trustCertificates(Pem.readCertificates(clientCaPem, what), what))
          .clientAuth(ClientAuth.REQUIRE);
    }
    return build(b, "server");
  }

  /**
   * Wraps an application's {@link SSLContext}: the protocols it enables by default, less any
   * older than TLS 1.2. A server context wrapped this way does not ask for client certificates.
   */
  public static SslContext wrap(SSLContext context, boolean client) {
    List<String> enabled = Arrays.asList(context.getDefaultSSLParameters().getProtocols());
    List<String> protocols = new ArrayList<>();
    for (String p : PROTOCOLS) {
      if (enabled.contains(p)) {
        protocols.add(p);
      }
    }
    if (protocols.isEmpty()) {
      throw new IllegalArgumentException(
          "the SSLContext (" + context.getProtocol() + ") enables neither TLSv1.3 nor TLSv1.2 but "
              + enabled);
    }
    return new JdkSslContext(
        context,
        client,
        null,
        IdentityCipherSuiteFilter.INSTANCE,
        ApplicationProtocolConfig.DISABLED,
        ClientAuth.NONE,
        protocols.toArray(new String[0]),
        false);
  }

  private static SslProvider sslProvider(TlsConfig.Provider provider) {
    return provider == TlsConfig.Provider.OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  private static SslContext build(SslContextBuilder b, String side) {
    try {
      return b.build();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException("cannot build the TLS " + side + " context: " + e, e);
    }
  }

  /** Trusts exactly these certificates as roots. */
  private static TrustManager trustCertificates(List<X509Certificate> roots, String what) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < roots.size(); i++) {
        store.setCertificateEntry("root-" + i, roots.get(i));
      }
      return trustStore(store, what);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make an in-memory KeyStore for " + what + ": " + e, e);
    }
  }

  /**
   * The JDK's PKIX trust manager for these roots ({@code null}: the system trust store), wrapped
   * so that a rejection says why in words.
   */
  private static TrustManager trustStore(KeyStore store, String what) {
    try {
      if (store != null && !holdsCertificate(store)) {
        throw new IllegalArgumentException(what + " holds no certificate");
      }
      TrustManagerFactory f =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager) {
          return new ExplainingTrustManager((X509ExtendedTrustManager) tm);
        }
      }
      throw new IllegalStateException("the JDK made no X.509 trust manager for " + what);
    } catch (KeyStoreException e) {
      throw new IllegalArgumentException(what + " cannot be read (not loaded?): " + e, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no trust manager for " + what + ": " + e, e);
    }
  }

  private static boolean holdsCertificate(KeyStore store) throws KeyStoreException {
    for (String alias : Collections.list(store.aliases())) {
      if (store.getCertificate(alias) != null) {
        return true;
      }
    }
    return false;
  }

  private static KeyManagerFactory keyManagerFactory(KeyStore store, char[] password) {
    try {
      List<String> keyAliases = new ArrayList<>();
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          keyAliases.add(alias);
        }
      }
      if (keyAliases.isEmpty()) {
        throw new IllegalArgumentException("the server KeyStore holds no private key entry");
      }
      for (String alias : keyAliases) {
        // Fail here, naming the entry, rather than in the first handshake.
        if (store.getKey(alias, password) == null || store.getCertificateChain(alias) == null) {
          throw new IllegalArgumentException(
              "the server KeyStore entry '" + alias + "' has no private key with a certificate");
        }
        X509Certificate leaf = (X509Certificate) store.getCertificateChain(alias)[0];
        warnIfNotValidNow(leaf, null);
      }
      KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      f.init(store, password);
      return f;
    } catch (UnrecoverableKeyException e) {
      throw new IllegalArgumentException(
          "the server KeyStore's key cannot be read with this password: " + e, e);
    } catch (KeyStoreException e) {
      throw new IllegalArgumentException("the server KeyStore cannot be read (not loaded?): " + e,
          e);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("the server KeyStore cannot be used: " + e, e);
    }
  }

  /** The key must be the one certified by the leaf: a test signature proves it. */
  private static void requireMatch(PrivateKey key, X509Certificate leaf, Path chain, Path keyPem) {
    PublicKey pub = leaf.getPublicKey();
    String mismatch =
        "the private key " + keyPem + " does not belong to the first certificate in " + chain
            + " (" + leaf.getSubjectX500Principal() + ")";
    if (!key.getAlgorithm().equals(pub.getAlgorithm())) {
      throw new IllegalArgumentException(
          mismatch + ": the key is " + key.getAlgorithm() + ", the certificate's is "
              + pub.getAlgorithm());
    }
    String algorithm = signatureAlgorithm(key.getAlgorithm());
    if (algorithm == null) {
      return; // nothing we know how to test; the handshake will tell
    }
    try {
      byte[] challenge = "ftcp key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] sig = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(pub);
      verifier.update(challenge);
      if (!verifier.verify(sig)) {
        throw new IllegalArgumentException(mismatch);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(mismatch + ": " + e, e);
    }
  }

  private static String signatureAlgorithm(String keyAlgorithm) {
    switch (keyAlgorithm) {
      case "RSA":
        return "SHA256withRSA";
      case "EC":
        return "SHA256withECDSA";
      case "DSA":
        return "SHA256withDSA";
      case "Ed25519":
      case "Ed448":
      case "EdDSA":
        return keyAlgorithm;
      default:
        return null;
    }
  }

  private static void warnIfNotValidNow(X509Certificate leaf, Path file) {
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      // Not an error: the peer decides what it accepts. But it is nearly always a mistake.
      log.warn("TLS certificate {}{} is not valid now: {}", leaf.getSubjectX500Principal(),
          file == null ? "" : " in " + file, e.getMessage());
    }
  }
}
