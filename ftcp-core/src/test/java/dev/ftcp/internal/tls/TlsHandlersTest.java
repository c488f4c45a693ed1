package dev.ftcp.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.TlsConfig;
import dev.ftcp.TlsConfig.Provider;
import dev.ftcp.testing.StderrCapture;
import dev.ftcp.testing.TestCertificates;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

/**
 * What {@link TlsHandlers} sets on each engine, checked on the engine itself, and how its
 * handlers cut writes into records, between two in-memory channels; no network.
 */
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

  /**
   * The write path counts on this: each buffer written is one record of its own, so a batch is
   * never cut between two records (by default SslHandler joins writes into 16 KiB records).
   */
  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void eachWriteIsWrappedAsOneRecordOfItsOwn(Provider p) {
    TlsConfig clientCfg = TlsConfig.client().trustPem(certs.caPem).provider(p).build();
    TlsConfig serverCfg = TlsConfig.server(certs.server.certPem, certs.server.keyPem)
        .provider(p).build();
    EmbeddedChannel client = new EmbeddedChannel();
    EmbeddedChannel server = new EmbeddedChannel();
    try {
      server.pipeline().addLast(TlsHandlers.newServerHandler(serverCfg, server.alloc()));
      SslHandler tls = TlsHandlers.newClientHandler(clientCfg, client.alloc(), "localhost", 1);
      client.pipeline().addLast(tls);
      for (int i = 0; i < 20 && !tls.handshakeFuture().isDone(); i++) {
        pass(client, server);
        pass(server, client);
      }
      assertThat(tls.handshakeFuture().isSuccess()).as("handshake").isTrue();
      pass(client, server); // the client's last handshake message
      pass(server, client); // what the server sent after the handshake (session tickets)

      byte[] first = filled(10_000, 1);
      byte[] second = filled(10_000, 2);
      byte[] full = filled(TlsHandlers.RECORD_WRITE_BYTES, 3);
      client.write(Unpooled.wrappedBuffer(first));
      client.write(Unpooled.wrappedBuffer(second));
      client.write(Unpooled.wrappedBuffer(full));
      client.flush();
      List<ByteBuf> out = new ArrayList<>();
      ByteBuf b;
      while ((b = client.readOutbound()) != null) {
        out.add(b);
      }
      List<Integer> records = recordLengths(out);
      // Each record carries one write and its overhead (type, nonce, tag: under 100 bytes).
      assertThat(records).hasSize(3);
      assertThat(records.get(0)).isBetween(10_000, 10_100);
      assertThat(records.get(1)).isBetween(10_000, 10_100);
      assertThat(records.get(2))
          .isBetween(TlsHandlers.RECORD_WRITE_BYTES, TlsHandlers.RECORD_WRITE_BYTES + 100);

      for (ByteBuf r : out) {
        server.writeInbound(r);
      }
      ByteBuf received = Unpooled.buffer();
      Object m;
      while ((m = server.readInbound()) != null) {
        received.writeBytes((ByteBuf) m);
        ((ByteBuf) m).release();
      }
      assertThat(received).isEqualTo(Unpooled.wrappedBuffer(first, second, full));
    } finally {
      client.finishAndReleaseAll();
      server.finishAndReleaseAll();
    }
  }

  private static void pass(EmbeddedChannel from, EmbeddedChannel to) {
    ByteBuf b;
    while ((b = from.readOutbound()) != null) {
      to.writeInbound(b);
    }
    Object m;
    while ((m = to.readInbound()) != null) {
      ReferenceCountUtil.release(m);
    }
  }

  private static byte[] filled(int n, int value) {
    byte[] a = new byte[n];
    Arrays.fill(a, (byte) value);
    return a;
  }

  /** The length field of each TLS record in {@code bufs}, read without consuming them. */
  private static List<Integer> recordLengths(List<ByteBuf> bufs) {
    ByteBuf all = Unpooled.wrappedBuffer(bufs.stream().map(ByteBuf::duplicate)
        .toArray(ByteBuf[]::new));
    List<Integer> lengths = new ArrayList<>();
    while (all.readableBytes() >= 5) {
      int length = all.getUnsignedShort(all.readerIndex() + 3);
      lengths.add(length);
      all.skipBytes(5 + length);
    }
    assertThat(all.readableBytes()).as("bytes after the last whole record").isZero();
    return lengths;
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
