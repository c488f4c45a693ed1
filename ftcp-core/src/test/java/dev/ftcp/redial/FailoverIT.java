package dev.ftcp.redial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import dev.ftcp.testing.NettyLeakCheck;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client given several servers: the first dial takes the first that answers; when its server
 * goes away it moves on to the next, and what it wrote meanwhile arrives there.
 */
@Timeout(60)
class FailoverIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration WITHIN = Duration.ofSeconds(20);

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  @SuppressWarnings("try") // servers go away in the middle of the test, on purpose
  void theClientMovesOnToTheNextServerAndLosesNothingItQueued() throws Exception {
    int a = freePort();
    int b = freePort();
    int c = freePort();
    List<String> servers = List.of("127.0.0.1:" + a, "127.0.0.1:" + b, "127.0.0.1:" + c);
    StateLog log = new StateLog();
    Options options = Options.builder().redialBackoff(Duration.ofMillis(5))
        .maxRedialBackoff(Duration.ofMillis(50)).stateListener(log).build();
    Listener atB = Ftcp.listen(servers.get(1));
    try (Listener atC = Ftcp.listen(servers.get(2));
        Conn client = Ftcp.dial(servers, options)) {
      // Nothing listens at A: the first dial went on to B.
      assertThat(client.remoteAddress().getPort()).isEqualTo(b);
      try (Conn s = atB.accept(WITHIN); Reader r = s.reader()) {
        client.write(Message.of("to B"));
        assertThat(r.read(WITHIN).text()).isEqualTo("to B");
      } finally {
        atB.close(); // B goes away: the client's next server is C
      }
      log.await(StateLog.Kind.DISCONNECTED, 1, WITHIN); // what it writes now waits for C
      client.write(Message.of("written while B went away"));
      try (Conn s = atC.accept(WITHIN); Reader r = s.reader()) {
        assertThat(r.read(WITHIN).text()).isEqualTo("written while B went away");
        assertThat(client.remoteAddress().getPort()).isEqualTo(c);
        log.await(StateLog.Kind.REDIALED, 1, WITHIN);
      } finally {
        atC.close();
      }
      // C goes away too: the client comes round to A, which listens now.
      try (Listener atA = Ftcp.listen(servers.get(0)); Conn s = atA.accept(WITHIN);
          Reader r = s.reader()) {
        client.write(Message.of("to A at last"));
        assertThat(r.read(WITHIN).text()).isEqualTo("to A at last");
        await().atMost(WITHIN).until(() -> client.remoteAddress().getPort() == a);
      }
      assertThat(client.stats().messagesDiscarded()).isZero();
    }
  }
}
