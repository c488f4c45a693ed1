package dev.ftcp.redial;

import static org.awaitility.Awaitility.await;

import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.testing.FaultProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What a redial test runs against: a real ftcp server ({@link TestServer}) with a
 * {@link FaultProxy} in front of it, and the clients the test dialed. Closing the rig closes
 * the clients, then the proxy, then the server, so a failed test leaves no thread behind.
 */
final class Rig implements AutoCloseable {
  final Transport transport;
  final TestServer server;
  final FaultProxy proxy;
  private final Consumer<Options.Builder> shared;
  private final List<Conn> clients = new CopyOnWriteArrayList<>();

  private Rig(Transport transport, Consumer<Options.Builder> shared, TestServer server,
      FaultProxy proxy) {
    this.transport = transport;
    this.shared = shared;
    this.server = server;
    this.proxy = proxy;
  }

  static Rig start(Transport transport) throws IOException {
    return start(transport, b -> {}, m -> false);
  }

  /**
   * @param shared settings both peers must agree on (big frames), applied to both sides
   * @param echo the messages the server answers with a reply carrying the same payload
   */
  static Rig start(Transport transport, Consumer<Options.Builder> shared,
      Predicate<Message> echo) throws IOException {
    Options.Builder b = transport.server();
    shared.accept(b);
    TestServer server = TestServer.start(b.build(), echo);
    try {
      FaultProxy proxy = FaultProxy.to(new InetSocketAddress("127.0.0.1", server.port()));
      return new Rig(transport, shared, server, proxy);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * Dials {@code address} with the transport's client settings, the shared ones, then these;
   * returns once the server has accepted the connection. (A test that stopped the server before
   * that would race the listener's close with a connection it has not handed out yet: see
   * {@link ListenerCloseIT}.)
   */
  Conn dial(String address, Consumer<Options.Builder> settings) throws IOException {
    Options.Builder b = transport.client();
    shared.accept(b);
    settings.accept(b);
    int before = server.sessions().size();
    Conn c = Ftcp.dial(address, b.build());
    clients.add(c);
    await("accepted by the server").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1)).until(() -> server.sessions().size() > before);
    return c;
  }

  /** Dials through the proxy. */
  Conn dialProxy(Consumer<Options.Builder> settings) throws IOException {
    return dial(proxy.hostPort(), settings);
  }

  @Override
  public void close() {
    try {
      for (Conn c : clients) {
        c.close();
      }
    } finally {
      try {
        proxy.close();
      } finally {
        server.close();
      }
    }
  }
}
