package dev.ftcp.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ftcp.Conn;
import dev.ftcp.ConnectionClosedException;
import dev.ftcp.Ftcp;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The meters over real loopback connections, read from a SimpleMeterRegistry. */
@Timeout(60)
class FtcpMetricsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private double counter(String name, String connName) {
    return registry.get(name).tag("name", connName).functionCounter().count();
  }

  @Test
  void countersMoveAsMessagesFlowAndCarryTheNameAndPeer() throws Exception {
    try (Listener listener = Ftcp.listen("127.0.0.1:0");
        Conn client = Ftcp.dial("127.0.0.1:" + listener.address().getPort());
        Conn server = listener.accept(WAIT);
        ConnMetrics clientMetrics = FtcpMetrics.of(client, "client");
        ConnMetrics serverMetrics = FtcpMetrics.of(server, "server")) {
      clientMetrics.bindTo(registry);
      serverMetrics.bindTo(registry);
      assertThat(counter("ftcp.messages.out", "client")).isZero();

      try (Reader in = server.reader()) {
        for (int i = 0; i < 10; i++) {
          client.write(Message.of(new byte[100]));
        }
        for (int i = 0; i < 10; i++) {
          in.read(WAIT);
        }
      }

      await().atMost(WAIT).until(() -> counter("ftcp.messages.out", "client") == 10);
      assertThat(counter("ftcp.messages.in", "server")).isEqualTo(10);
      assertThat(counter("ftcp.bytes.out", "client")).isGreaterThanOrEqualTo(10 * 100);
      assertThat(counter("ftcp.bytes.in", "server")).isEqualTo(counter("ftcp.bytes.out", "client"));
      assertThat(counter("ftcp.messages.in", "client")).isZero();
      assertThat(counter("ftcp.messages.out", "server")).isZero();

      String serverAddress = "127.0.0.1:" + listener.address().getPort();
      String clientAddress = "127.0.0.1:" + client.localAddress().getPort();
      assertThat(tagValues("client", "peer")).containsExactly(serverAddress);
      assertThat(tagValues("server", "peer")).containsExactly(clientAddress);
      assertThat(registry.get("ftcp.bytes.in").tag("name", "client").meter().getId().getBaseUnit())
          .isEqualTo("bytes");

      // Every meter of a connection is there, with its base unit.
      Set<String> names = registry.getMeters().stream()
          .filter(m -> "client".equals(m.getId().getTag("name")))
          .map(m -> m.getId().getName() + " " + m.getId().getBaseUnit())
          .collect(Collectors.toSet());
      assertThat(names).containsExactlyInAnyOrder(
          "ftcp.messages.in messages", "ftcp.messages.out messages",
          "ftcp.bytes.in bytes", "ftcp.bytes.out bytes",
          "ftcp.messages.queued messages", "ftcp.messages.discarded messages",
          "ftcp.replies.late messages", "ftcp.redials redials", "ftcp.resumes resumes",
          "ftcp.messages.resent messages");
    }
  }

  private Set<String> tagValues(String connName, String key) {
    return registry.getMeters().stream()
        .filter(m -> connName.equals(m.getId().getTag("name")))
        .map(m -> m.getId().getTag(key))
        .collect(Collectors.toSet());
  }

  @Test
  void queuedWhileTheServerIsGoneThenDiscardedOnClose() throws Exception {
    Listener listener = Ftcp.listen("127.0.0.1:0");
    Options options = Options.builder().closeLinger(Duration.ofMillis(100)).build();
    Conn client = Ftcp.dial("127.0.0.1:" + listener.address().getPort(), options);
    try (ConnMetrics metrics = FtcpMetrics.of(client, "orphan")) {
      metrics.bindTo(registry);
      Conn server = listener.accept(WAIT);
      server.close();
      listener.close();
      await().atMost(WAIT).until(() -> client.localAddress() == null);

      for (int i = 0; i < 5; i++) {
        client.write(Message.of("waits"));
      }
      Gauge queued = registry.get("ftcp.messages.queued").tag("name", "orphan").gauge();
      assertThat(queued.value()).isEqualTo(5);

      client.close();
      assertThat(counter("ftcp.messages.discarded", "orphan")).isEqualTo(5);
    } finally {
      client.close();
      listener.close();
    }
  }

  @Test
  @SuppressWarnings("try") // closes the client early on purpose
  void timedRequestsAreTimedByOutcome() throws Exception {
    try (Listener listener = Ftcp.listen("127.0.0.1:0");
        Conn client = Ftcp.dial("127.0.0.1:" + listener.address().getPort());
        Conn server = listener.accept(WAIT);
        ConnMetrics metrics = FtcpMetrics.of(client, "rr")) {
      metrics.bindTo(registry);
      Thread echo = new Thread(() -> {
        try (Reader in = server.reader()) {
          for (;;) {
            Message m = in.read();
            if (!m.text().equals("ignore me")) {
              server.write(m.reply(m.data()));
            }
          }
        } catch (Exception closed) {
          // the connection ended
        }
      });
      echo.start();

      assertThat(metrics.timedRequest(Message.of("ping"), WAIT).text()).isEqualTo("ping");
      assertThat(metrics.timedRequestAsync(Message.of("pong"), WAIT).get(10, TimeUnit.SECONDS)
          .text()).isEqualTo("pong");
      assertThatThrownBy(() -> metrics.timedRequest(Message.of("ignore me"), Duration.ofMillis(50)))
          .isInstanceOf(FtcpTimeoutException.class);

      Timer success = registry.get("ftcp.requests").tags("name", "rr", "outcome", "success").timer();
      assertThat(success.count()).isEqualTo(2);
      assertThat(success.totalTime(TimeUnit.NANOSECONDS)).isPositive();
      assertThat(success.getId().getTag("peer"))
          .isEqualTo("127.0.0.1:" + listener.address().getPort());
      Timer timeout = registry.get("ftcp.requests").tags("name", "rr", "outcome", "timeout").timer();
      assertThat(timeout.count()).isEqualTo(1);
      assertThat(timeout.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(40);

      client.close();
      assertThatThrownBy(() -> metrics.timedRequest(Message.of("late"), WAIT))
          .isInstanceOf(ConnectionClosedException.class);
      assertThat(registry.get("ftcp.requests").tags("name", "rr", "outcome", "closed").timer()
          .count()).isEqualTo(1);
      echo.join(WAIT.toMillis());
    }
  }

  @Test
  void closeRemovesTheMetersAndLeavesTheConnectionOpen() throws Exception {
    try (Listener listener = Ftcp.listen("127.0.0.1:0");
        Conn client = Ftcp.dial("127.0.0.1:" + listener.address().getPort())) {
      SimpleMeterRegistry second = new SimpleMeterRegistry();
      ConnMetrics metrics = FtcpMetrics.of(client, "brief");
      metrics.bindTo(registry);
      metrics.bindTo(second);
      metrics.bindTo(registry); // nothing more
      assertThat(registry.getMeters()).hasSize(10);
      assertThat(second.getMeters()).hasSize(10);

      metrics.close();
      metrics.close();
      assertThat(registry.getMeters()).isEmpty();
      assertThat(second.getMeters()).isEmpty();
      assertThat(client.isOpen()).isTrue();
      assertThatThrownBy(() -> metrics.bindTo(registry)).isInstanceOf(IllegalStateException.class);
      // Requests still work, timed by nothing.
      assertThatThrownBy(() -> metrics.timedRequest(Message.of("x"), Duration.ofMillis(20)))
          .isInstanceOf(FtcpTimeoutException.class);
      assertThat(registry.getMeters()).isEmpty();
    }
  }

  @Test
  @SuppressWarnings("try") // holds two ends of a connection only to fill the listener; closes early
  void listenerCountsOpenAndRefusedConnections() throws Exception {
    Options options = Options.builder().maxConnections(1).build();
    try (Listener listener = Ftcp.listen("127.0.0.1:0", options);
        ListenerMetrics metrics = FtcpMetrics.of(listener, "api");
        Conn held = Ftcp.dial("127.0.0.1:" + listener.address().getPort());
        Conn accepted = listener.accept(WAIT)) {
      metrics.bindTo(registry);
      FunctionCounter refused = registry.get("ftcp.connections.refused").functionCounter();
      assertThat(refused.count()).isZero();
      assertThat(refused.getId().getTags()).containsExactlyInAnyOrder(
          Tag.of("name", "api"), Tag.of("address", "127.0.0.1:" + listener.address().getPort()));
      assertThat(refused.getId().getBaseUnit()).isEqualTo("connections");

      try (Socket second = new Socket("127.0.0.1", listener.address().getPort())) {
        assertThat(second.getInputStream().read()).isEqualTo(-1); // refused: closed at once
      }
      await().atMost(WAIT).until(() -> refused.count() == 1);
      assertThat(registry.get("ftcp.connections.open").gauge().value()).isEqualTo(1.0);
      held.close(); // the client leaves for good (closing the server end, it would redial)
      await().atMost(WAIT)
          .until(() -> registry.get("ftcp.connections.open").gauge().value() == 0.0);

      metrics.close();
      assertThat(registry.getMeters()).isEmpty();
      assertThat(listener.refusedConnections()).isEqualTo(1);
    }
  }

  /** The example of docs/METRICS.md, as it is written there. */
  @Test
  void theDocumentedExampleWorks() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry(); // or the application's registry

    try (Listener listener = Ftcp.listen("127.0.0.1:0");
         ListenerMetrics listenerMetrics = FtcpMetrics.of(listener, "api");
         Conn client = Ftcp.dial("127.0.0.1:" + listener.address().getPort());
         ConnMetrics clientMetrics = FtcpMetrics.of(client, "api-client")) {
      listenerMetrics.bindTo(registry);
      clientMetrics.bindTo(registry);

      client.write(Message.of("counted"));                       // ftcp.messages.out, ftcp.bytes.out
      Thread server = new Thread(() -> {
        try (Conn conn = listener.accept(WAIT); Reader in = conn.reader()) {
          in.read(WAIT);
          Message m = in.read(WAIT);
          conn.write(m.reply(m.data()));
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      server.start();
      Message reply = clientMetrics.timedRequest(Message.of("timed"), Duration.ofSeconds(2));
      assertThat(reply.text()).isEqualTo("timed");
      assertThat(registry.get("ftcp.messages.out").functionCounter().count()).isEqualTo(2);
      assertThat(registry.get("ftcp.requests").timer().count()).isEqualTo(1);
      server.join(WAIT.toMillis());
    }   // closing the metrics removes their meters from the registry
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void argumentsAreChecked() throws Exception {
    try (Listener listener = Ftcp.listen("127.0.0.1:0")) {
      assertThatThrownBy(() -> FtcpMetrics.of((Conn) null, "x"))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("conn");
      assertThatThrownBy(() -> FtcpMetrics.of(listener, null))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("name");
      assertThatThrownBy(() -> FtcpMetrics.of(listener, ""))
          .isInstanceOf(IllegalArgumentException.class);
      ListenerMetrics metrics = FtcpMetrics.of(listener, "x");
      assertThatThrownBy(() -> metrics.bindTo(null)).isInstanceOf(NullPointerException.class);
      assertThat(metrics.listener()).isSameAs(listener);
      assertThat(metrics.toString()).contains("name=x");
    }
  }

  @Test
  void ipv6PeersAreBracketed() {
    assertThat(FtcpMetrics.hostPort(new java.net.InetSocketAddress("::1", 9000)))
        .isEqualTo("[0:0:0:0:0:0:0:1]:9000");
    assertThat(FtcpMetrics.hostPort(java.net.InetSocketAddress.createUnresolved("example", 1)))
        .isEqualTo("example:1");
    assertThat(FtcpMetrics.hostPort(null)).isEqualTo("unknown");
  }
}
