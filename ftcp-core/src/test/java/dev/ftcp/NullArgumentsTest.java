package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.testing.NettyLeakCheck;
import dev.ftcp.testing.Pair;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One null policy across the public API: where null is not a documented value, the call throws
 * {@link NullPointerException} whose message is the parameter's name, before doing anything.
 */
@Timeout(30)
class NullArgumentsTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final Path FILE = Path.of("unused.pem");

  private static Pair pair;
  private static Reader reader;

  @BeforeAll
  static void open() throws Exception {
    pair = Pair.open();
    reader = pair.server.reader();
  }

  @AfterAll
  static void close() {
    reader.close();
    pair.close();
  }

  static Stream<Arguments> nullArguments() throws Exception {
    Message m = Message.of("x");
    TlsConfig clientTls = TlsConfig.client(SSLContext.getDefault());
    TlsConfig serverTls = TlsConfig.server(SSLContext.getDefault());
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    return Stream.of(
        npe("Conn.write", "msg", () -> pair.client.write(null)),
        npe("Conn.request msg", "msg", () -> pair.client.request(null, SECOND)),
        npe("Conn.request timeout", "timeout", () -> pair.client.request(m, null)),
        npe("Conn.requestAsync msg", "msg", () -> pair.client.requestAsync(null, SECOND)),
        npe("Conn.requestAsync timeout", "timeout", () -> pair.client.requestAsync(m, null)),
        npe("Reader.read timeout", "timeout", () -> reader.read(null)),
        npe("Listener.accept timeout", "timeout", () -> pair.listener.accept(null)),
        npe("new Message data", "data", () -> new Message(1, 0, null)),
        npe("Message.of bytes", "data", () -> Message.of((byte[]) null)),
        npe("Message.of text", "text", () -> Message.of((String) null)),
        npe("Message.reply data", "data", () -> m.reply(null)),
        npe("Ftcp.dial address", "address", () -> Ftcp.dial(null)),
        npe("Ftcp.dial options address", "address",
            () -> Ftcp.dial((String) null, Options.defaults())),
        npe("Ftcp.dial addresses", "addresses",
            () -> Ftcp.dial((java.util.List<String>) null, Options.defaults())),
        npe("Ftcp.dial addresses element", "address",
            () -> Ftcp.dial(java.util.Arrays.asList("127.0.0.1:1", null), Options.defaults())),
        npe("Ftcp.dial options", "options", () -> Ftcp.dial("127.0.0.1:1", null)),
        npe("Ftcp.dialTls address", "address", () -> Ftcp.dialTls(null, clientTls)),
        npe("Ftcp.dialTls tls", "tls", () -> Ftcp.dialTls("127.0.0.1:1", null)),
        npe("Ftcp.listen address", "address", () -> Ftcp.listen(null)),
        npe("Ftcp.listen options address", "address",
            () -> Ftcp.listen(null, Options.defaults())),
        npe("Ftcp.listen options", "options", () -> Ftcp.listen("127.0.0.1:0", null)),
        npe("Ftcp.listenTls address", "address", () -> Ftcp.listenTls(null, serverTls)),
        npe("Ftcp.listenTls tls", "tls", () -> Ftcp.listenTls("127.0.0.1:0", null)),
        npe("Options.redialTimeout", "redialTimeout", () -> Options.builder().redialTimeout(null)),
        npe("Options.redialBackoff", "redialBackoff", () -> Options.builder().redialBackoff(null)),
        npe("Options.maxRedialBackoff", "maxRedialBackoff",
            () -> Options.builder().maxRedialBackoff(null)),
        npe("Options.closeLinger", "closeLinger", () -> Options.builder().closeLinger(null)),
        npe("Options.writeTimeout", "writeTimeout", () -> Options.builder().writeTimeout(null)),
        npe("Options.idleTimeout", "idleTimeout", () -> Options.builder().idleTimeout(null)),
        npe("Options.connectTimeout", "connectTimeout",
            () -> Options.builder().connectTimeout(null)),
        npe("Options.stateListener", "stateListener", () -> Options.builder().stateListener(null)),
        npe("Options.callbackExecutor", "callbackExecutor",
            () -> Options.builder().callbackExecutor(null)),
        npe("TlsConfig.client context", "context", () -> TlsConfig.client((SSLContext) null)),
        npe("TlsConfig.server context", "context", () -> TlsConfig.server((SSLContext) null)),
        npe("TlsConfig.server certChainPem", "certChainPem", () -> TlsConfig.server(null, FILE)),
        npe("TlsConfig.server keyPem", "keyPem", () -> TlsConfig.server(FILE, null)),
        npe("TlsConfig.server keyStore", "keyStore",
            () -> TlsConfig.server(null, new char[0])),
        npe("TlsConfig.server password", "password", () -> TlsConfig.server(keyStore, null)),
        npe("TlsConfig.Builder.trustPem", "pem", () -> TlsConfig.client().trustPem(null)),
        npe("TlsConfig.Builder.trustStore", "store", () -> TlsConfig.client().trustStore(null)),
        npe("TlsConfig.Builder.keyPairPem certChainPem", "certChainPem",
            () -> TlsConfig.client().keyPairPem(null, FILE)),
        npe("TlsConfig.Builder.keyPairPem keyPem", "keyPem",
            () -> TlsConfig.client().keyPairPem(FILE, null)),
        npe("TlsConfig.Builder.serverName", "name", () -> TlsConfig.client().serverName(null)),
        npe("TlsConfig.Builder.requireClientAuth", "trustPem",
            () -> TlsConfig.server(FILE, FILE).requireClientAuth(null)),
        npe("TlsConfig.Builder.provider", "provider", () -> TlsConfig.client().provider(null)),
        npe("TlsConfig.Builder.handshakeTimeout", "handshakeTimeout",
            () -> TlsConfig.client().handshakeTimeout(null)));
  }

  private static Arguments npe(String call, String parameter, ThrowingCallable callable) {
    return Arguments.of(call, parameter, callable);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullArguments")
  void nullThrowsNullPointerExceptionNamingTheParameter(
      String call, String parameter, ThrowingCallable callable) {
    assertThatThrownBy(callable)
        .isExactlyInstanceOf(NullPointerException.class)
        .hasMessage(parameter);
  }

  @Test
  void refusedNullsQueueNothing() throws Exception {
    assertThat(pair.client.stats().queued()).isZero();
    long id = pair.client.write(Message.of("after"));
    assertThat(reader.read(Duration.ofSeconds(10)).id()).isEqualTo(id);
  }

  @Test
  void nullTlsMeansPlainTcp() {
    assertThat(Options.builder().tls(null).build().tls()).isNull();
  }

  /** A null deadline is documented: it clears the deadline, so a read waits again. */
  @Test
  void nullDeadlineClearsTheDeadline() throws Exception {
    Instant past = Instant.now().minusSeconds(1);
    pair.server.setDeadline(past);
    assertThatThrownBy(() -> reader.read(SECOND))
        .isInstanceOf(FtcpTimeoutException.class).hasMessageContaining("read deadline");
    pair.server.setDeadline(null);
    pair.server.setReadDeadline(past);
    pair.server.setReadDeadline(null);
    pair.server.setWriteDeadline(past);
    pair.server.setWriteDeadline(null);
    long id = pair.client.write(Message.of("after the deadline"));
    assertThat(reader.read(Duration.ofSeconds(10)).id()).isEqualTo(id);
  }
}
