package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ftcp.testing.NettyLeakCheck;
import dev.ftcp.testing.Pair;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PROTOCOL.md §11 "Server limits": idleTimeout and maxConnections. */
@Timeout(30)
class ServerLimitsTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();


  @Test
  void aSilentServerConnectionIsClosedAfterIdleTimeout() throws Exception {
    Options server = Options.builder().idleTimeout(Duration.ofMillis(300)).build();
    try (Listener l = Ftcp.listen("127.0.0.1:0", server);
        Socket silent = new Socket("127.0.0.1", l.address().getPort())) {
      Conn s = l.accept(Duration.ofSeconds(5));
      try (Reader r = s.reader()) {
        assertThatThrownBy(() -> r.read(Duration.ofSeconds(5)))
            .isInstanceOf(ConnectionClosedException.class)
            .hasMessageContaining("idleTimeout");
      }
      assertThat(silent.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void pastMaxConnectionsNewOnesAreClosedAndCountedAndTheOthersServed() throws Exception {
    Options server = Options.builder().maxConnections(2).build();
    try (Listener l = Ftcp.listen("127.0.0.1:0", server)) {
      List<Conn> held = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          held.add(Ftcp.dial(Pair.address(l)));
          held.add(l.accept(Duration.ofSeconds(5)));
        }
        try (Socket third = new Socket("127.0.0.1", l.address().getPort())) {
          assertThat(third.getInputStream().read()).isEqualTo(-1); // closed at once
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> l.refusedConnections() == 1);
        try (Reader r = held.get(1).reader()) {
          held.get(0).write(Message.of("still served"));
          assertThat(r.read(Duration.ofSeconds(5)).text()).isEqualTo("still served");
        }
        // When one goes away, its place is free again.
        held.get(2).close();
        held.get(3).close();
        try (Conn again = Ftcp.dial(Pair.address(l)); Conn s = l.accept(Duration.ofSeconds(5));
            Reader r = s.reader()) {
          again.write(Message.of("in"));
          assertThat(r.read(Duration.ofSeconds(5)).text()).isEqualTo("in");
        }
      } finally {
        held.forEach(Conn::close);
      }
    }
  }
}
