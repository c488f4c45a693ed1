package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ftcp.testing.ConnEvents;
import dev.ftcp.testing.NettyLeakCheck;
import dev.ftcp.testing.Pair;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server connection tells its state listener of its end as a client connection does: the peer
 * leaving is a disconnect (with its cause) followed by closed, since a server does not redial;
 * closing it locally is closed alone.
 */
@Timeout(60)
class ServerStateEventsTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration WITHIN = Duration.ofSeconds(10);


  @Test
  void aServerConnectionWhosePeerLeavesIsToldDisconnectedThenClosed() throws Exception {
    ConnEvents server = new ConnEvents();
    try (Pair p = Pair.open(Options.defaults(), Options.builder().stateListener(server).build())) {
      p.client.close();
      await().atMost(WITHIN).until(() -> server.of(p.server).size() >= 3);
      List<String> told = server.of(p.server);
      assertThat(told).hasSize(3);
      assertThat(told.get(0)).isEqualTo("connected");
      assertThat(told.get(1)).isEqualTo("disconnected");
      assertThat(told.get(2)).isEqualTo("closed");
      assertThat(p.server.isOpen()).isFalse();
    }
  }

  @Test
  void aServerConnectionClosedLocallyIsToldClosedOnly() throws Exception {
    ConnEvents server = new ConnEvents();
    try (Pair p = Pair.open(Options.defaults(), Options.builder().stateListener(server).build())) {
      p.server.close();
      await().atMost(WITHIN).until(() -> server.of(p.server).contains("closed"));
      assertThat(server.of(p.server)).containsExactly("connected", "closed");
    }
  }

  @Test
  void aClientConnectionClosedLocallyIsToldClosedOnly() throws Exception {
    ConnEvents client = new ConnEvents();
    try (Pair p = Pair.open(Options.builder().stateListener(client).build(), Options.defaults())) {
      p.client.close();
      await().atMost(WITHIN).until(() -> client.of(p.client).contains("closed"));
      assertThat(client.of(p.client)).containsExactly("connected", "closed");
    }
  }
}
