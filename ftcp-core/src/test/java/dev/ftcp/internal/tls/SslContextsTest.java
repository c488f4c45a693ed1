package dev.ftcp.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.TlsConfig;
import dev.ftcp.TlsConfig.Provider;
import dev.ftcp.internal.Internal;
import dev.ftcp.testing.TestCertificates;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link TlsConfig.Builder#build()} checks, through {@link SslContexts}: every bad file,
 * key, store or provider fails there with a message naming it, never at the first dial.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SslContextsTest {
  @TempDir static Path dir;
  static TestCertificates certs;

  @BeforeAll
  static void setUp() {
    certs = TestCertificates.generate(dir);
  }

  @Test
  void buildMakesTheContextOnceAndKeepsIt() {
    TlsConfig client = TlsConfig.client().trustPem(certs.caPem).provider(Provider.JDK).build();
    TlsConfig server = TlsConfig.server(certs.server.certPem, certs.server.keyPem)
        .provider(Provider.OPENSSL).build();

    SslContext c = Internal.sslContext(client);
    assertThat(c.isClient()).isTrue();
    assertThat(Internal.sslContext(client)).isSameAs(c);
    assertThat(Internal.sslContext(server).isServer()).isTrue();
    assertThat(client.provider()).isEqualTo(Provider.JDK);
    assertThat(server.provider()).isEqualTo(Provider.OPENSSL);
  }

  @Test
  void autoChoosesOpenSslWhereItLoadsAndTheJdkElsewhere() {
    assertThat(SslContexts.resolve(Provider.AUTO, true, null)).isEqualTo(Provider.OPENSSL);
    assertThat(SslContexts.resolve(Provider.AUTO, false, new UnsatisfiedLinkError("no lib")))
        .isEqualTo(Provider.JDK);
    assertThat(SslContexts.resolve(Provider.JDK, true, null)).isEqualTo(Provider.JDK);
  }

  @Test
  void autoIsOpenSslOnThisMachine() {
    // DEPENDENCIES.md: BoringSSL loads here (JDK 17 and 25). If it ever stops, say so, not fail.
    Assumptions.assumeTrue(OpenSsl.isAvailable(), "OpenSSL does not load here");

    TlsConfig auto = TlsConfig.client().build();

    assertThat(auto.provider()).isEqualTo(Provider.OPENSSL);
    assertThat(auto.toString()).contains("OPENSSL");
  }

  @Test
  void openSslThatDoesNotLoadFailsAtBuildNamingTheCause() {
    UnsatisfiedLinkError why = new UnsatisfiedLinkError("no netty_tcnative in java.library.path");

    assertThatThrownBy(() -> SslContexts.resolve(Provider.OPENSSL, false, why))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("OPENSSL is not available")
        .hasMessageContaining("no netty_tcnative")
        .hasCause(why);
  }

  @Test
  void missingServerFilesAreNamed() {
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> TlsConfig.server(missing, certs.server.keyPem).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("certificate chain " + missing + " does not exist");
    assertThatThrownBy(() -> TlsConfig.server(certs.server.certPem, missing).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("private key " + missing + " does not exist");
    assertThatThrownBy(() -> TlsConfig.server(certs.server.certPem, certs.server.keyPem)
            .requireClientAuth(missing).build())
        .hasMessageContaining("requireClientAuth").hasMessageContaining(missing.toString());
  }

  @Test
  void missingClientFilesAreNamed() {
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> TlsConfig.client().trustPem(missing).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trustPem " + missing + " does not exist");
    assertThatThrownBy(() -> TlsConfig.client().keyPairPem(certs.client.certPem, missing).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("private key " + missing + " does not exist");
  }

  @Test
  void keyThatIsNotTheCertificatesIsRefused() {
    assertThatThrownBy(() ->
            TlsConfig.server(certs.server.certPem, certs.otherName.keyPem).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the private key " + certs.otherName.keyPem)
        .hasMessageContaining("does not belong to the first certificate in "
            + certs.server.certPem);
    // RSA key for an EC certificate: a different algorithm altogether.
    assertThatThrownBy(() ->
            TlsConfig.client().keyPairPem(certs.client.certPem, certs.serverRsa.keyPem).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the key is RSA, the certificate's is EC");
  }

  @Test
  void trustPemAndTrustStoreTogetherAreRefused() {
    assertThatThrownBy(() ->
            TlsConfig.client().trustPem(certs.caPem).trustStore(certs.caTrustStore()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("trustPem or trustStore, not both");
  }

  @Test
  void emptyTrustStoreIsRefused() throws Exception {
    KeyStore empty = KeyStore.getInstance("PKCS12");
    empty.load(null, null);

    assertThatThrownBy(() -> TlsConfig.client().trustStore(empty).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trustStore holds no certificate");
  }

  @Test
  void keyStoreWithTheWrongPasswordOrNoKeyIsRefused() throws Exception {
    KeyStore ks = certs.serverKeyStore();

    assertThatThrownBy(() -> TlsConfig.server(ks, "wrong".toCharArray()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be read with this password");
    assertThatThrownBy(() ->
            TlsConfig.server(certs.caTrustStore(), TestCertificates.KEYSTORE_PASSWORD).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the server KeyStore holds no private key entry");
  }

  @Test
  void wrappedContextKeepsItsOwnProtocolsButNothingBelowTls12() throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, null, null);
    SSLContext tls12 = SSLContext.getInstance("TLSv1.2");
    tls12.init(null, null, null);
    SSLContext tls11 = SSLContext.getInstance("TLSv1.1");
    tls11.init(null, null, null);

    assertThat(enabledProtocols(TlsConfig.client(tls)))
        .containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    assertThat(enabledProtocols(TlsConfig.server(tls12))).containsExactly("TLSv1.2");
    assertThat(TlsConfig.client(tls).provider()).isEqualTo(Provider.JDK);
    assertThatThrownBy(() -> TlsConfig.client(tls11))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("enables neither TLSv1.3 nor TLSv1.2");
  }

  private static String[] enabledProtocols(TlsConfig config) {
    SSLEngine engine = Internal.sslContext(config).newEngine(UnpooledByteBufAllocator.DEFAULT);
    return engine.getEnabledProtocols();
  }
}
