package dev.ftcp;

import dev.ftcp.testing.NettyLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.TlsConfig.Provider;
import dev.ftcp.testing.StderrCapture;
import dev.ftcp.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TLS through the whole connection core (PROTOCOL.md §12 "TLS"), on both providers: sessions on
 * messages, mutual TLS, each way a handshake fails, and a redial that handshakes again.
 */
@Timeout(60)
class TlsConnTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  @TempDir static Path dir;
  static TestCertificates certs;

  @BeforeAll
  static void generate() {
    certs = TestCertificates.generate(dir);
  }

  private static TlsConfig server(Provider p) {
    return TlsConfig.server(certs.server.certPem, certs.server.keyPem).provider(p).build();
  }

  private static TlsConfig client(Provider p) {
    return TlsConfig.client().trustPem(certs.caPem).provider(p).build();
  }

  private static String addr(Listener l) {
    return "localhost:" + l.address().getPort();
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
  void messagesAndRepliesCarryTheirTlsSession(Provider p) throws Exception {
    try (Listener l = Ftcp.listenTls("127.0.0.1:0", server(p));
        Conn c = Ftcp.dialTls(addr(l), client(p));
        Conn s = l.accept(Duration.ofSeconds(10));
        Reader sr = s.reader()) {
      CompletableFuture<Message> reply = c.requestAsync(Message.of("hello"), Duration.ofSeconds(10));
      Message q = sr.read(Duration.ofSeconds(10));
      assertThat(q.text()).isEqualTo("hello");
      SSLSession serverSide = q.tlsSession();
      assertThat(serverSide).isNotNull();
      assertThat(serverSide.getProtocol()).isIn("TLSv1.3", "TLSv1.2");
      s.write(q.reply("hi".getBytes()));
      Message r = reply.get(10, TimeUnit.SECONDS);
      assertThat(r.text()).isEqualTo("hi");
      assertThat(r.tlsSession().getPeerCertificates()[0]).isEqualTo(certs.server.certificate);
    }
  }

  @Test
  void plainMessagesCarryNoSession() throws Exception {
    try (dev.ftcp.testing.Pair p = dev.ftcp.testing.Pair.open(); Reader r = p.server.reader()) {
      p.client.write(Message.of("plain"));
      assertThat(r.read(Duration.ofSeconds(5)).tlsSession()).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
  void mutualTlsShowsTheClientCertificateToTheServer(Provider p) throws Exception {
    TlsConfig srv = TlsConfig.server(certs.server.certPem, certs.server.keyPem)
        .requireClientAuth(certs.caPem).provider(p).build();
    TlsConfig cli = TlsConfig.client().trustPem(certs.caPem)
        .keyPairPem(certs.client.certPem, certs.client.keyPem).provider(p).build();
    try (Listener l = Ftcp.listenTls("127.0.0.1:0", srv);
        Conn c = Ftcp.dialTls(addr(l), cli);
        Conn s = l.accept(Duration.ofSeconds(10));
        Reader sr = s.reader()) {
      c.write(Message.of("it's me"));
      Message m = sr.read(Duration.ofSeconds(10));
      assertThat(m.tlsSession().getPeerCertificates()[0]).isEqualTo(certs.client.certificate);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
  void anUntrustedServerIsRefusedWithAClearError(Provider p) throws Exception {
    try (Listener l = Ftcp.listenTls("127.0.0.1:0", server(p))) {
      TlsConfig systemTrust = TlsConfig.client().provider(p).build();
      assertThatThrownBy(() -> Ftcp.dialTls(addr(l), systemTrust))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("TLS handshake with");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
  void aCertificateForAnotherNameIsRefused(Provider p) throws Exception {
    TlsConfig other = TlsConfig.server(certs.otherName.certPem, certs.otherName.keyPem)
        .provider(p).build();
    try (Listener l = Ftcp.listenTls("127.0.0.1:0", other)) {
      assertThatThrownBy(() -> Ftcp.dialTls(addr(l), client(p)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("localhost");
      // The same certificate is fine when the client asks for its name.
      TlsConfig byName = TlsConfig.client().trustPem(certs.caPem)
          .serverName(TestCertificates.OTHER_NAME).provider(p).build();
      try (Conn c = Ftcp.dialTls(addr(l), byName)) {
        assertThat(c.isOpen()).isTrue();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
  void anExpiredCertificateIsRefused(Provider p) throws Exception {
    AtomicReference<TlsConfig> config = new AtomicReference<>();
    String log = StderrCapture.of(() -> config.set(
        TlsConfig.server(certs.expired.certPem, certs.expired.keyPem).provider(p).build()));
    // The server is warned when it is configured, the client refuses when it connects.
    assertThat(log).contains("WARN").contains(certs.expired.certPem + " is not valid now");
    TlsConfig expired = config.get();
    try (Listener l = Ftcp.listenTls("127.0.0.1:0", expired)) {
      assertThatThrownBy(() -> Ftcp.dialTls(addr(l), client(p)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("expired");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
  void tlsSpokenToAPlainPortFailsWithinTheHandshakeTimeout(Provider p) throws Exception {
    try (Listener plain = Ftcp.listen("127.0.0.1:0")) {
      TlsConfig quick = TlsConfig.client().trustPem(certs.caPem).provider(p)
          .handshakeTimeout(Duration.ofSeconds(1)).build();
      long start = System.nanoTime();
      assertThatThrownBy(() -> Ftcp.dialTls(addr(plain), quick))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("TLS handshake with");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
  void plainTcpSpokenToATlsPortIsNeverAccepted(Provider p) throws Exception {
    CompletableFuture<Throwable> dropped = new CompletableFuture<>();
    Options watch = Options.builder().stateListener(new ConnStateListener() {
      @Override
      public void disconnected(Conn conn, Throwable cause) {
        dropped.complete(cause);
      }
    }).build();
    try (Listener l = Ftcp.listenTls("127.0.0.1:0", server(p));
        Conn c = Ftcp.dial(addr(l), watch)) {
      c.write(Message.of("not a TLS record"));
      assertThat(dropped.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> l.accept(Duration.ofMillis(300)))
          .isInstanceOf(FtcpTimeoutException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Provider.class, names = {"JDK", "OPENSSL"})
  void aRedialHandshakesAgainAndLaterMessagesCarryTheNewSession(Provider p) throws Exception {
    try (Listener l = Ftcp.listenTls("127.0.0.1:0", server(p));
        Conn c = Ftcp.dialTls(addr(l), client(p));
        Reader cr = c.reader()) {
      Conn s1 = l.accept(Duration.ofSeconds(10));
      s1.write(Message.of("one"));
      SSLSession first = cr.read(Duration.ofSeconds(10)).tlsSession();
      s1.close(); // the client redials
      try (Conn s2 = l.accept(Duration.ofSeconds(10))) {
        s2.write(Message.of("two"));
        Message m = cr.read(Duration.ofSeconds(10));
        assertThat(m.text()).isEqualTo("two");
        assertThat(m.tlsSession()).isNotNull().isNotSameAs(first);
        assertThat(c.stats().redials()).isEqualTo(1);
      }
    }
  }
}
