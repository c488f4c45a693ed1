package dev.ftcp.redial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ftcp.Conn;
import dev.ftcp.Message;
import dev.ftcp.redial.StateLog.Kind;
import dev.ftcp.testing.FaultProxy.Cut;
import dev.ftcp.testing.FaultProxy.Direction;
import dev.ftcp.testing.NettyLeakCheck;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A message whose write the link broke in the middle of is sent again, whole, on the next
 * connection: the server gets it exactly once.
 */
@Timeout(30)
class CutMidWriteIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration WITHIN = Duration.ofSeconds(15);
  /**
   * Bigger than what the kernel can take while the proxy trickles it on: the client's send
   * buffer (at most 4 MiB here) plus the proxy's small receive buffer. So when the link is cut,
   * the client is still writing it.
   */
  private static final int BIG = 12 << 20;

  static Stream<Arguments> transportsAndCuts() {
    return Transport.enabled().flatMap(t -> Arrays.stream(Cut.values())
        .map(cut -> Arguments.of(t, cut)));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("transportsAndCuts")
  void aMessageCutMidWriteIsSentAgainWhole(Transport transport, Cut cut) throws Exception {
    try (Rig rig = Rig.start(transport, b -> b.bigFrames(true), m -> false)) {
      StateLog log = new StateLog();
      Conn c = rig.dialProxy(b -> b.stateListener(log));
      c.write(Message.of("before"));
      await().atMost(WITHIN).until(() -> rig.server.receivedCount() == 1);
      long before = rig.proxy.bytesForwarded(Direction.CLIENT_TO_SERVER);

      rig.proxy.fragment(1);
      byte[] big = new byte[BIG];
      new Random(42).nextBytes(big);
      c.write(Message.of(big));
      c.write(Message.of("after"));
      // Cut once the server has part of the big frame.
      await().atMost(WITHIN).pollInterval(Duration.ofMillis(1))
          .until(() -> rig.proxy.bytesForwarded(Direction.CLIENT_TO_SERVER) > before + 1000);
      assertThat(c.stats().messagesOut()).as("the socket had not taken the big message whole")
          .isEqualTo(1);
      rig.proxy.cutAll(cut);
      rig.proxy.resume();

      log.await(Kind.REDIALED, 1, WITHIN);
      await().atMost(WITHIN).until(() -> rig.server.receivedCount() >= 3);
      List<Message> got = rig.server.received();
      assertThat(got).hasSize(3);
      assertThat(got.get(0).text()).isEqualTo("before");
      assertThat(got.get(1).id()).isEqualTo(2);
      assertThat(got.get(1).data()).hasSize(BIG);
      // Not isEqualTo: a failure would print 12 MiB.
      assertThat(Arrays.equals(got.get(1).data(), big)).as("the big message, intact").isTrue();
      assertThat(got.get(2).text()).isEqualTo("after");
      assertThat(rig.server.sessions().get(0).received()).as("the cut connection")
          .extracting(Message::text).containsExactly("before");
      assertThat(c.stats().messagesOut()).isEqualTo(3);
      assertThat(c.stats().redials()).isEqualTo(1);
    }
  }
}
