package dev.ftcp.redial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.Listener;
import dev.ftcp.redial.StateLog.Kind;
import dev.ftcp.testing.NettyLeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What a client sees when the listener it just reached is closed. */
@Timeout(30)
class ListenerCloseIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final int PAIRS = 100;

  /**
   * {@code Listener.close()} closes the connections it accepted but did not hand out yet. The
   * clients of those redial at once, and must then be refused: the listener is closed. Were the
   * listening socket still open at that moment, the kernel would accept the redial, the client
   * would report a redial and resend its queue into a socket that is reset a moment later,
   * losing what it sent. The race is narrow (a few percent of closes right after a dial, here),
   * so this closes 100 listeners each right after its client connected; each client gives up
   * 300 ms later, and no client may have redialed by then.
   */
  @ParameterizedTest
  @MethodSource("dev.ftcp.redial.Transport#enabled")
  // Listener.close() stops its socket before closing unaccepted connections, so their
  // clients' immediate redials are refused instead of let in and then reset.
  void aClientOfAConnectionTheListenerClosedIsNotLetBackIn(Transport transport)
      throws Exception {
    List<Listener> listeners = new ArrayList<>();
    List<Conn> clients = new ArrayList<>();
    List<StateLog> logs = new ArrayList<>();
    try {
      for (int i = 0; i < PAIRS; i++) {
        Listener l = Ftcp.listen("127.0.0.1:0", transport.server().build());
        listeners.add(l);
        StateLog log = new StateLog();
        logs.add(log);
        clients.add(Ftcp.dial("127.0.0.1:" + l.address().getPort(), transport.client()
            .redialTimeout(Duration.ofMillis(300)).stateListener(log).build()));
        // At once: the listener may still be setting the connection up. It was not accepted,
        // so close() closes it.
        l.close();
      }
      for (StateLog log : logs) {
        log.await(Kind.GAVE_UP, 1, Duration.ofSeconds(10));
      }
      long redialed = logs.stream().filter(log -> log.count(Kind.REDIALED) > 0).count();
      assertThat(redialed).as("clients let back in by a closed listener, of %d", PAIRS).isZero();
    } finally {
      clients.forEach(Conn::close);
      listeners.forEach(Listener::close);
    }
  }
}
