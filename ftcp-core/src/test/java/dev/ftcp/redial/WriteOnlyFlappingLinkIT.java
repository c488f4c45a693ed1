package dev.ftcp.redial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ftcp.Conn;
import dev.ftcp.Message;
import dev.ftcp.redial.StateLog.Kind;
import dev.ftcp.testing.FaultProxy.Cut;
import dev.ftcp.testing.NettyLeakCheck;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PROTOCOL.md §8 "Redial": a client gives up only if no attempt succeeds within redialTimeout. A
 * client that only writes (its server never answers) over a link cut every 0.6 s reconnects at
 * once each time and every connection carries its messages: it must not give up.
 *
 * <p>Found by the soak test: a redialed channel that received nothing and dropped within
 * {@code maxRedialBackoff} counted as a failed attempt of the same outage (meant for a server
 * that accepts and closes at once), so a write-only client on a link cut more often than every
 * 2 s gave up though every redial carried its messages. Now only a channel that drops within
 * 250 ms counts so.
 */
@Timeout(60)
class WriteOnlyFlappingLinkIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration REDIAL_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration LINK_LIFE = Duration.ofMillis(600);
  private static final int CUTS = 6; // 3.6 s of a working, flapping link: well past REDIAL_TIMEOUT

  @ParameterizedTest
  @MethodSource("dev.ftcp.redial.Transport#enabled")
  void aWriteOnlyClientOnALinkCutEveryFewHundredMillisecondsDoesNotGiveUp(Transport transport)
      throws Exception {
    try (Rig rig = Rig.start(transport)) {
      StateLog log = new StateLog();
      Conn c = rig.dialProxy(b -> b.stateListener(log).redialTimeout(REDIAL_TIMEOUT));
      int written = 0;
      for (int cut = 0; cut < CUTS; cut++) {
        for (int i = 0; i < 6; i++) {
          c.write(Message.of("m" + written++)); // throws ConnectionClosedException once given up
          Threads.letPass(LINK_LIFE.dividedBy(6)); // the link's life: a length of time
        }
        rig.proxy.cutAll(Cut.RESET);
      }
      int wrote = written;
      assertThat(log.count(Kind.GAVE_UP)).as("gave up; events %s", log).isZero();
      assertThat(c.isOpen()).isTrue();
      log.await(Kind.REDIALED, CUTS, Duration.ofSeconds(15));
      c.write(Message.of("last"));
      await().atMost(Duration.ofSeconds(15))
          .until(() -> rig.server.received().stream().anyMatch(m -> m.text().equals("last")));
      assertThat(rig.server.sessions().size()).as("connections that reached the server")
          .isGreaterThan(CUTS);
      assertThat(wrote).isEqualTo(CUTS * 6);
    }
  }
}
