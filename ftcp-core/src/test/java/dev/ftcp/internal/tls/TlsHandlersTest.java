package dev.ftcp.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.TlsConfig;
import dev.ftcp.TlsConfig.Provider;
import dev.ftcp.testing.StderrCapture;
import dev.ftcp.testing.TestCertificates;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What {@link TlsHandlers} sets on each engine, checked on the engine itself, no network. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TlsHandlersTest {
  @TempDir static Path dir;
  static TestCertificates certs;
  static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

  @BeforeAll
  static void setUp() {
    certs = TestCertificates.generate(dir);
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void clientVerifiesTheDialedHostNameAndSendsItInSni(Provider p) {
    TlsConfig cfg = TlsConfig.client().trustPem(certs.caPem).provider(p)
        .handshakeTimeout(Duration.ofMillis(1234)).build();

    SslHandler h = TlsHandlers.newClientHandler(cfg, ALLOC, "db.example", 9443);
    try {
      SSLParameters params = h.engine().getSSLParameters();
      assertThat(h.engine().getUseClientMode()).isTrue();
      assertThat(params.getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
      assertThat(params.getServerNames()).containsExactly(new SNIHostName("db.example"));
      assertThat(h.engine().getPeerHost()).isEqualTo("db.example");
      assertThat(h.engine().getPeerPort()).isEqualTo(9443);
      assertThat(h.getHandshakeTimeoutMillis()).isEqualTo(1234);
    } finally {
      ReferenceCountUtil.release(h.engine());
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void serverNameReplacesTheHostAndIpLiteralsGetNoSni(Provider p) {
    TlsConfig named = TlsConfig.client().serverName("other.example").provider(p).build();
    TlsConfig plain = TlsConfig.client().provider(p).build();

    SslHandler override = TlsHandlers.newClientHandler(named, ALLOC, "127.0.0.1", 1);
    SslHandler ipv6 = TlsHandlers.newClientHandler(plain, ALLOC, "[::1]", 1);
    try {
      assertThat(override.engine().getPeerHost()).isEqualTo("other.example");
      assertThat(override.engine().getSSLParameters().getServerNames())
          .containsExactly(new SNIHostName("other.example"));
      // An IP is verified against the certificate's IP names; SNI carries host names only.
      assertThat(ipv6.engine().getPeerHost()).isEqualTo("::1");
      assertThat(ipv6.engine().getSSLParameters().getServerNames()).isNullOrEmpty();
      assertThat(ipv6.engine().getSSLParameters().getEndpointIdentificationAlgorithm())
          .isEqualTo("HTTPS");
    } finally {
      ReferenceCountUtil.release(override.engine());
      ReferenceCountUtil.release(ipv6.engine());
    }
  }

  @Test
  void wrappedApplicationContextGetsHostNameVerificationToo() throws Exception {
    SSLContext app = SSLContext.getInstance("TLS");
    app.init(null, null, null);

    SslHandler h = TlsHandlers.newClientHandler(TlsConfig.client(app), ALLOC, "db.example", 1);

    // A bare SSLContext's engines do not verify names; ftcp's must, as Go's tls.Dial does.
    assertThat(app.createSSLEngine().getSSLParameters().getEndpointIdentificationAlgorithm())
        .isNull();
    assertThat(h.engine().getSSLParameters().getEndpointIdentificationAlgorithm())
        .isEqualTo("HTTPS");
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void insecureSkipVerifyTurnsNameCheckingOffAndWarnsEachTime(Provider p) throws Exception {
    TlsConfig cfg = TlsConfig.client().insecureSkipVerify().provider(p).build();

    String log = StderrCapture.of(() -> {
      for (int i = 0; i < 2; i++) {
        SslHandler h = TlsHandlers.newClientHandler(cfg, ALLOC, "db.example", 9443);
        assertThat(h.engine().getSSLParameters().getEndpointIdentificationAlgorithm()).isNull();
        ReferenceCountUtil.release(h.engine());
      }
    });

    assertThat(log.split("does NOT verify", -1)).hasSize(3); // once per handler
    assertThat(log).contains("WARN").contains("db.example:9443").contains("insecureSkipVerify");
    assertThat(cfg.toString()).contains("INSECURE");
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void serverHandlerRequiresClientCertificatesOnlyWhenAsked(Provider p) {
    TlsConfig mutual = TlsConfig.server(certs.server.certPem, certs.server.keyPem)
        .requireClientAuth(certs.caPem).provider(p).handshakeTimeout(Duration.ofSeconds(3))
        .build();
    TlsConfig open = TlsConfig.server(certs.server.certPem, certs.server.keyPem).provider(p)
        .build();

    SslHandler m = TlsHandlers.newServerHandler(mutual, ALLOC);
    SslHandler o = TlsHandlers.newServerHandler(open, ALLOC);
    try {
      assertThat(m.engine().getUseClientMode()).isFalse();
      assertThat(m.engine().getNeedClientAuth()).isTrue();
      assertThat(o.engine().getNeedClientAuth()).isFalse();
      assertThat(m.getHandshakeTimeoutMillis()).isEqualTo(3000);
      assertThat(o.getHandshakeTimeoutMillis())
          .isEqualTo(TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT.toMillis());
    } finally {
      ReferenceCountUtil.release(m.engine());
      ReferenceCountUtil.release(o.engine());
    }
  }

  @Test
  void aConfigForTheOtherSideIsRefused() {
    TlsConfig client = TlsConfig.client().provider(Provider.JDK).build();
    TlsConfig server = TlsConfig.server(certs.server.certPem, certs.server.keyPem)
        .provider(Provider.JDK).build();

    assertThatThrownBy(() -> TlsHandlers.newServerHandler(client, ALLOC))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot serve");
    assertThatThrownBy(() -> TlsHandlers.newClientHandler(server, ALLOC, "localhost", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot dial");
  }
}
