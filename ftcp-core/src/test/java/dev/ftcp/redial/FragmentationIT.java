package dev.ftcp.redial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ftcp.Conn;
import dev.ftcp.Message;
import dev.ftcp.testing.FaultProxy.Direction;
import dev.ftcp.testing.NettyLeakCheck;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Frames delivered a byte at a time, both ways, decode exactly as whole ones. */
@Timeout(30)
class FragmentationIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration WITHIN = Duration.ofSeconds(15);
  private static final int MESSAGES = 1000;

  @ParameterizedTest
  @MethodSource("dev.ftcp.redial.Transport#enabled")
  void oneByteFragmentsChangeNothing(Transport transport) throws Exception {
    // The server answers requests, marked by a payload starting with 'Q'.
    try (Rig rig = Rig.start(transport, b -> {}, m -> m.data().length > 0 && m.data()[0] == 'Q')) {
      Conn c = rig.dialProxy(b -> {});
      rig.proxy.fragment(1);

      for (int size : new int[] {1, 2, 17, 18, 100, 4096}) {
        byte[] payload = new byte[size];
        Arrays.fill(payload, (byte) size);
        payload[0] = 'Q';
        Message q = new Message(0, 0, payload);
        Message rep = c.request(q, WITHIN);
        assertThat(rep.data()).as("reply to a %d-byte request", size).isEqualTo(payload);
      }
      for (int i = 0; i < MESSAGES; i++) {
        c.write(Message.of("m" + i));
      }
      c.write(Message.of(new byte[0]));
      int expected = 6 + MESSAGES + 1;
      await().atMost(WITHIN).until(() -> rig.server.receivedCount() == expected);

      List<Message> got = rig.server.received();
      for (int i = 0; i < MESSAGES; i++) {
        assertThat(got.get(6 + i).text()).isEqualTo("m" + i);
        assertThat(got.get(6 + i).id()).isEqualTo(7 + i);
      }
      assertThat(got.get(expected - 1).data()).isEmpty();
      assertThat(rig.server.sessions()).hasSize(1);
      // Every byte went through the proxy, and was counted as it went (over TLS, with the
      // records' overhead on top of the frames).
      if (!transport.encrypted()) {
        await().atMost(WITHIN).until(() ->
            rig.proxy.bytesForwarded(Direction.CLIENT_TO_SERVER) == c.stats().bytesOut());
        assertThat(rig.proxy.bytesForwarded(Direction.SERVER_TO_CLIENT))
            .isEqualTo(c.stats().bytesIn());
      } else {
        assertThat(rig.proxy.bytesForwarded(Direction.CLIENT_TO_SERVER))
            .isGreaterThan(c.stats().bytesOut());
      }
    }
  }
}
