package dev.ftcp.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.TlsConfig;
import dev.ftcp.TlsConfig.Provider;
import dev.ftcp.testing.StderrCapture;
import dev.ftcp.testing.TestCertificates;
import dev.ftcp.testing.TestCertificates.Identity;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real handshakes over 127.0.0.1 through {@link TlsHandlers}, for every pairing of client and
 * server provider (a Java peer may meet a Go or OpenSSL one, so the pairs must agree, not just
 * each provider with itself). Success means bytes went both ways over the link; each failure must
 * come out of {@link TlsHandlers#describeHandshakeFailure} as a sentence naming the problem.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TlsHandshakeTest {
  @TempDir static Path dir;
  static TestCertificates certs;
  static EventLoopGroup group;

  @BeforeAll
  static void setUp() {
    certs = TestCertificates.generate(dir);
    group = Loopback.group();
  }

  @AfterAll
  static void tearDown() throws InterruptedException {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  /** Client provider, server provider: all four pairs. */
  static Stream<Arguments> pairs() {
    return Stream.of(
        Arguments.of(Provider.JDK, Provider.JDK),
        Arguments.of(Provider.JDK, Provider.OPENSSL),
        Arguments.of(Provider.OPENSSL, Provider.JDK),
        Arguments.of(Provider.OPENSSL, Provider.OPENSSL));
  }

  // ---- success paths ---------------------------------------------------------------------------

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void trustPemHandshakeWorksOnTls13WithTheChosenProviders(Provider cp, Provider sp)
      throws Exception {
    Result r = handshake(serverOf(certs.server, sp), clientTrustingCa(cp), "localhost");

    SSLSession client = r.client.session();
    SSLSession server = r.server.session();
    assertThat(client.getProtocol()).isEqualTo("TLSv1.3");
    assertThat(server.getProtocol()).isEqualTo("TLSv1.3");
    assertThat(client.getPeerCertificates()[0]).isEqualTo(certs.server.certificate);
    assertThat(isOpenSsl(r.client.engine)).isEqualTo(cp == Provider.OPENSSL);
    assertThat(isOpenSsl(r.server.engine)).isEqualTo(sp == Provider.OPENSSL);
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void onlyTls13And12AreEnabledAndTls12StillWorks(Provider cp, Provider sp) throws Exception {
    TlsConfig server = serverOf(certs.server, sp);
    TlsConfig client = clientTrustingCa(cp);
    AtomicReference<String[]> clientEnabled = new AtomicReference<>();
    // A peer that only speaks TLS 1.2 (as an older Go or Java might) is still served.
    Result r = handshake(server, client, "localhost", engine -> {
      clientEnabled.set(engine.getEnabledProtocols());
      engine.setEnabledProtocols(new String[] {"TLSv1.2"});
    });

    assertThat(realProtocols(clientEnabled.get())).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    assertThat(r.client.session().getProtocol()).isEqualTo("TLSv1.2");
    assertThat(r.server.session().getProtocol()).isEqualTo("TLSv1.2");
    assertThat(realProtocols(r.server.engine.getEnabledProtocols()))
        .containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void ipAddressIsVerifiedAgainstTheCertificatesIpNames(Provider cp, Provider sp)
      throws Exception {
    Result r = handshake(serverOf(certs.server, sp), clientTrustingCa(cp), "127.0.0.1");

    assertThat(r.client.session().getProtocol()).isEqualTo("TLSv1.3");
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void serverNameOverridesTheDialedHostForSniAndVerification(Provider cp, Provider sp)
      throws Exception {
    TlsConfig client = TlsConfig.client().trustPem(certs.caPem)
        .serverName(TestCertificates.OTHER_NAME).provider(cp).build();

    // Dialed by IP; the certificate is only for other.example.
    Result r = handshake(serverOf(certs.otherName, sp), client, "127.0.0.1");

    assertThat(r.client.session().getPeerCertificates()[0])
        .isEqualTo(certs.otherName.certificate);
    assertThat(r.client.engine.getSSLParameters().getServerNames())
        .containsExactly(new SNIHostName(TestCertificates.OTHER_NAME));
    if (sp == Provider.JDK) { // Netty's OpenSSL server session does not report what it received
      assertThat(((ExtendedSSLSession) r.server.session()).getRequestedServerNames())
          .containsExactly(new SNIHostName(TestCertificates.OTHER_NAME));
    }
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void insecureSkipVerifyAcceptsAnUntrustedExpiredCertificateForAnotherName(Provider cp,
      Provider sp) throws Exception {
    TlsConfig client = TlsConfig.client().insecureSkipVerify().provider(cp).build();

    // No trustPem (the system store does not know our CA), the wrong name, and expired.
    AtomicReference<Result> wrongName = new AtomicReference<>();
    AtomicReference<Result> expired = new AtomicReference<>();
    String log = StderrCapture.of(() -> {
      wrongName.set(handshake(serverOf(certs.otherName, sp), client, "localhost"));
      expired.set(handshake(serverOf(certs.expired, sp), client, "localhost"));
    });

    assertThat(wrongName.get().client.session().getProtocol()).isEqualTo("TLSv1.3");
    assertThat(expired.get().client.session().getProtocol()).isEqualTo("TLSv1.3");
    // Each insecure handshake warns, and so does the server made with an expired certificate.
    assertThat(log.split("does NOT verify the server's certificate", -1)).hasSize(3);
    assertThat(log).contains("insecureSkipVerify")
        .contains("TLS certificate CN=localhost in " + certs.expired.certPem + " is not valid now");
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void mutualTlsWithAClientCertificateFromTheCa(Provider cp, Provider sp) throws Exception {
    TlsConfig server = TlsConfig.server(certs.server.certPem, certs.server.keyPem)
        .requireClientAuth(certs.caPem).provider(sp).build();
    TlsConfig client = TlsConfig.client().trustPem(certs.caPem)
        .keyPairPem(certs.client.certPem, certs.client.keyPem).provider(cp).build();

    Result r = handshake(server, client, "localhost");

    assertThat(r.client.session().getProtocol()).isEqualTo("TLSv1.3");
    assertThat(r.server.session().getPeerCertificates()[0]).isEqualTo(certs.client.certificate);
  }

  /** Every key format OpenSSL and Java write, served by each provider to each provider. */
  static Stream<Arguments> keyFormats() {
    return pairs().flatMap(pair -> Stream.of("PKCS#8 EC", "PKCS#8 RSA", "PKCS#1 RSA", "SEC1 EC")
        .map(format -> Arguments.of(pair.get()[0], pair.get()[1], format)));
  }

  @ParameterizedTest(name = "client {0}, server {1}, key {2}")
  @MethodSource("keyFormats")
  void serverKeysLoadInEveryPemFormat(Provider cp, Provider sp, String format) throws Exception {
    Identity id;
    switch (format) {
      case "PKCS#8 EC": id = certs.server; break;
      case "PKCS#8 RSA": id = certs.serverRsa; break;
      case "PKCS#1 RSA": id = certs.serverRsaPkcs1; break;
      default: id = certs.serverEcSec1; break;
    }

    Result r = handshake(serverOf(id, sp), clientTrustingCa(cp), "localhost");

    assertThat(r.client.session().getPeerCertificates()[0]).isEqualTo(id.certificate);
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void serverKeyStoreAndClientTrustStore(Provider cp, Provider sp) throws Exception {
    TlsConfig server = TlsConfig.server(certs.serverKeyStore(), TestCertificates.KEYSTORE_PASSWORD)
        .provider(sp).build();
    TlsConfig client = TlsConfig.client().trustStore(certs.caTrustStore()).provider(cp).build();

    Result r = handshake(server, client, "localhost");

    assertThat(r.client.session().getPeerCertificates()[0]).isEqualTo(certs.server.certificate);
  }

  @Test
  void wrappedApplicationContextsWorkAndStillVerifyTheHostName() throws Exception {
    TlsConfig server = TlsConfig.server(jdkContext(keyManager(certs.serverKeyStore()), null));
    TlsConfig client = TlsConfig.client(jdkContext(null, certs.caTrustStore()));
    TlsConfig otherServer = TlsConfig.server(jdkContext(keyManager(keyStoreOf(certs.otherName)), null));

    Result ok = handshake(server, client, "localhost");
    Result wrongName = handshake(otherServer, client, "localhost");

    assertThat(ok.client.session().getProtocol()).isEqualTo("TLSv1.3");
    assertThat(realProtocols(ok.client.engine.getEnabledProtocols()))
        .containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    assertThat(describe(wrongName.client.failure()))
        .contains("host name mismatch").contains("localhost");
  }

  // ---- failure paths ---------------------------------------------------------------------------

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void certificateFromAnUntrustedCaIsRejected(Provider cp, Provider sp) throws Exception {
    TlsConfig client = TlsConfig.client().trustPem(certs.strangerCaPem).provider(cp).build();

    Result r = handshake(serverOf(certs.server, sp), client, "localhost");

    assertThat(describe(r.client.failure()))
        .startsWith("TLS handshake with PEER failed: ")
        .contains("server certificate \"CN=localhost\" issued by \"CN=ftcp test CA\"")
        .contains("is not trusted");
    assertThat(describe(r.server.failure())).contains("the peer");
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void theSystemTrustStoreIsTheDefaultAndDoesNotKnowATestCa(Provider cp, Provider sp)
      throws Exception {
    Result r = handshake(serverOf(certs.server, sp), TlsConfig.client().provider(cp).build(),
        "localhost");

    assertThat(describe(r.client.failure())).contains("is not trusted");
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void certificateForAnotherNameIsAHostNameMismatch(Provider cp, Provider sp) throws Exception {
    Result byName = handshake(serverOf(certs.otherName, sp), clientTrustingCa(cp), "localhost");
    Result byIp = handshake(serverOf(certs.otherName, sp), clientTrustingCa(cp), "127.0.0.1");

    assertThat(describe(byName.client.failure()))
        .contains("host name mismatch")
        .contains("is for [other.example], not for \"localhost\"");
    assertThat(describe(byIp.client.failure()))
        .contains("host name mismatch")
        .contains("not for \"127.0.0.1\"");
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void expiredCertificateIsRejectedAsExpired(Provider cp, Provider sp) throws Exception {
    AtomicReference<TlsConfig> server = new AtomicReference<>();
    String log = StderrCapture.of(() -> server.set(serverOf(certs.expired, sp)));
    assertThat(log).contains("WARN").contains("TLS certificate CN=localhost in "
        + certs.expired.certPem + " is not valid now: NotAfter: ");

    Result r = handshake(server.get(), clientTrustingCa(cp), "localhost");

    assertThat(describe(r.client.failure()))
        .contains("server certificate \"CN=localhost\" expired on "
            + certs.expired.certificate.getNotAfter().toInstant());
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void missingClientCertificateIsNamedOnBothSides(Provider cp, Provider sp) throws Exception {
    TlsConfig server = TlsConfig.server(certs.server.certPem, certs.server.keyPem)
        .requireClientAuth(certs.caPem).provider(sp).build();

    Result r = handshake(server, clientTrustingCa(cp), "localhost");

    assertThat(describe(r.server.failure())).contains("client certificate missing");
    // TLS 1.3: the client finishes first and learns from the server's alert, which the JDK
    // words as bad_certificate and BoringSSL as certificate_required.
    assertThat(describe(r.client.failure()))
        .containsAnyOf("client certificate missing", "rejected our certificate, or the lack");
  }

  @ParameterizedTest(name = "client {0}, server {1}")
  @MethodSource("pairs")
  void clientCertificateFromAStrangerCaIsNotAccepted(Provider cp, Provider sp)
      throws Exception {
    TlsConfig server = TlsConfig.server(certs.server.certPem, certs.server.keyPem)
        .requireClientAuth(certs.caPem).provider(sp).build();
    TlsConfig client = TlsConfig.client().trustPem(certs.caPem)
        .keyPairPem(certs.strangerClient.certPem, certs.strangerClient.keyPem).provider(cp)
        .build();

    Result r = handshake(server, client, "localhost");

    // The server names the CAs it accepts; like Go's and the JDK's, our client then sends no
    // certificate rather than one the server cannot trust.
    assertThat(describe(r.server.failure()))
        .contains("client certificate missing")
        .contains("none issued by a CA the server trusts");
    assertThat(r.client.result).isCompletedExceptionally();
  }

  @ParameterizedTest(name = "server {0}")
  @EnumSource(names = {"JDK", "OPENSSL"})
  void clientCertificateFromAStrangerCaSentAnywayIsRejectedByName(Provider sp) throws Exception {
    TlsConfig server = TlsConfig.server(certs.server.certPem, certs.server.keyPem)
        .requireClientAuth(certs.caPem).provider(sp).build();
    // A client that ignores the server's list of CAs (some do): its certificate reaches the
    // server's trust manager, which must say why it is refused.
    TlsConfig client = TlsConfig.client(jdkContext(
        new AlwaysThisKeyManager(certs.strangerClient), certs.caTrustStore()));

    Result r = handshake(server, client, "localhost");

    assertThat(describe(r.server.failure()))
        .contains("client certificate \"CN=ftcp stranger client\" issued by"
            + " \"CN=ftcp stranger CA\" is not trusted")
        .contains("requireClientAuth");
  }

  @ParameterizedTest(name = "client {0}")
  @EnumSource(names = {"JDK", "OPENSSL"})
  void tlsToAPlainPortThatWaitsTimesOutWithAHint(Provider cp) throws Exception {
    TlsConfig client = TlsConfig.client().trustPem(certs.caPem).provider(cp)
        .handshakeTimeout(Duration.ofMillis(300)).build();
    try (Loopback.Server plain = Loopback.plainServer(group, Loopback.Plain.SILENT)) {
      Loopback.Side side = connect(client, plain.address(), "localhost", e -> { });

      assertThat(describe(side.failure()))
          .contains("no TLS answer in time")
          .contains("300ms")
          .contains("may not speak TLS");
    }
  }

  @ParameterizedTest(name = "client {0}")
  @EnumSource(names = {"JDK", "OPENSSL"})
  void tlsToAPlainPortThatClosesIsNamed(Provider cp) throws Exception {
    try (Loopback.Server plain = Loopback.plainServer(group, Loopback.Plain.CLOSE)) {
      Loopback.Side side = connect(clientTrustingCa(cp), plain.address(), "localhost", e -> { });

      assertThat(describe(side.failure()))
          .contains("closed the connection during the handshake")
          .contains("may not speak TLS");
    }
  }

  @ParameterizedTest(name = "client {0}")
  @EnumSource(names = {"JDK", "OPENSSL"})
  void tlsToAPlainPortThatAnswersIsNamed(Provider cp) throws Exception {
    try (Loopback.Server plain = Loopback.plainServer(group, Loopback.Plain.ANSWER_FRAME)) {
      Loopback.Side side = connect(clientTrustingCa(cp), plain.address(), "localhost", e -> { });

      assertThat(describe(side.failure())).contains("the peer does not speak TLS");
    }
  }

  @ParameterizedTest(name = "server {0}")
  @EnumSource(names = {"JDK", "OPENSSL"})
  void plainToATlsPortIsNamedByTheServer(Provider sp) throws Exception {
    try (Loopback.Server server = Loopback.tlsEchoServer(group,
        ch -> TlsHandlers.newServerHandler(serverOf(certs.server, sp), ch.alloc()))) {
      Loopback.plainClient(group, server.address(), Loopback.PLAIN_FRAME)
          .get(5, TimeUnit.SECONDS);

      assertThat(describe(server.first.failure())).contains("the peer does not speak TLS");
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static final class Result {
    final Loopback.Side client;
    final Loopback.Side server;

    Result(Loopback.Side client, Loopback.Side server) {
      this.client = client;
      this.server = server;
    }
  }

  private static Result handshake(TlsConfig server, TlsConfig client, String host)
      throws Exception {
    return handshake(server, client, host, e -> { });
  }

  /** Runs one connection to completion on both sides; the server is closed afterwards. */
  private static Result handshake(TlsConfig server, TlsConfig client, String host,
      Consumer<SSLEngine> clientEngine) throws Exception {
    try (Loopback.Server s = Loopback.tlsEchoServer(group,
        ch -> TlsHandlers.newServerHandler(server, ch.alloc()))) {
      Loopback.Side c = connect(client, s.address(), host, clientEngine);
      // Wait for both outcomes while the server is still up.
      awaitQuietly(c);
      awaitQuietly(s.first);
      return new Result(c, s.first);
    }
  }

  private static Loopback.Side connect(TlsConfig client, InetSocketAddress to, String host,
      Consumer<SSLEngine> engine) {
    Function<Channel, SslHandler> handlers = ch -> {
      SslHandler h = TlsHandlers.newClientHandler(client, ch.alloc(), host, to.getPort());
      engine.accept(h.engine());
      return h;
    };
    return Loopback.tlsClient(group, to, handlers);
  }

  private static void awaitQuietly(Loopback.Side side) throws Exception {
    try {
      side.result.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      // examined by the test
    }
  }

  private static String describe(Throwable t) {
    return TlsHandlers.describeHandshakeFailure(t, "PEER").getMessage();
  }

  private static TlsConfig serverOf(Identity id, Provider p) {
    return TlsConfig.server(id.certPem, id.keyPem).provider(p).build();
  }

  private static TlsConfig clientTrustingCa(Provider p) {
    return TlsConfig.client().trustPem(certs.caPem).provider(p).build();
  }

  /**
   * Enabled protocols without "SSLv2Hello": Netty's OpenSSL engine always lists that pseudo
   * protocol (a hello format, not a protocol; BoringSSL has no SSLv2 at all).
   */
  private static List<String> realProtocols(String[] enabled) {
    return Arrays.stream(enabled).filter(p -> !p.equals("SSLv2Hello")).collect(Collectors.toList());
  }

  private static boolean isOpenSsl(SSLEngine engine) {
    return engine.getClass().getName().contains("OpenSsl");
  }

  private static KeyStore keyStoreOf(Identity id) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("key", id.privateKey, TestCertificates.KEYSTORE_PASSWORD,
        new X509Certificate[] {id.certificate});
    return ks;
  }

  /** A JDK SSLContext as an application would make one; null parts are the JDK's defaults. */
  private static SSLContext jdkContext(KeyManager keyManager, KeyStore trust) throws Exception {
    TrustManagerFactory tmf = null;
    if (trust != null) {
      tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(keyManager == null ? null : new KeyManager[] {keyManager},
        tmf == null ? null : tmf.getTrustManagers(), null);
    return ctx;
  }

  private static KeyManager keyManager(KeyStore keys) throws Exception {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, TestCertificates.KEYSTORE_PASSWORD);
    return kmf.getKeyManagers()[0];
  }

  /** Presents one certificate whatever CAs the server asks for. */
  private static final class AlwaysThisKeyManager extends X509ExtendedKeyManager {
    private final Identity id;

    AlwaysThisKeyManager(Identity id) {
      this.id = id;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine e) {
      return "it";
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "it";
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"it"};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return new X509Certificate[] {id.certificate};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return id.privateKey;
    }
  }
}
