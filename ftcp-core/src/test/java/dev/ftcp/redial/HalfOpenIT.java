package dev.ftcp.redial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ftcp.Conn;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.redial.StateLog.Event;
import dev.ftcp.redial.StateLog.Kind;
import dev.ftcp.testing.FaultProxy.Direction;
import dev.ftcp.testing.NettyLeakCheck;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A link that stops carrying bytes one way without closing (a peer that stopped reading, a
 * dead middlebox) is found by {@code writeTimeout} and redialed.
 */
@Timeout(30)
class HalfOpenIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration WITHIN = Duration.ofSeconds(10);
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(1);
  /** 2000 x 16 KiB = 32 MiB: far more than the socket buffers and the queue hold together. */
  private static final int MESSAGES = 2000;
  private static final int SIZE = 16 * 1024;

  @ParameterizedTest
  @MethodSource("dev.ftcp.redial.Transport#enabled")
  void aHalfOpenLinkIsFoundByWriteTimeoutAndRedialed(Transport transport) throws Exception {
    try (Rig rig = Rig.start(transport)) {
      StateLog log = new StateLog();
      Conn c = rig.dialProxy(b -> b.writeTimeout(WRITE_TIMEOUT).stateListener(log));
      c.write(Message.of("before"));
      await().atMost(WITHIN).until(() -> rig.server.receivedCount() == 1);

      rig.proxy.halfOpen(Direction.CLIENT_TO_SERVER);
      long stalled = System.nanoTime();
      FutureTask<Void> writer = Threads.start("writer", () -> {
        for (int i = 0; i < MESSAGES; i++) {
          c.write(Message.of(ByteBuffer.allocate(SIZE).putInt(i).array()));
        }
        return null;
      });

      Event broke = log.await(Kind.DISCONNECTED, 1, WITHIN);
      assertThat(broke.cause()).isInstanceOf(FtcpTimeoutException.class)
          .hasMessageContaining("writeTimeout");
      assertThat(Duration.ofNanos(broke.nanos() - stalled)).isGreaterThanOrEqualTo(WRITE_TIMEOUT);
      assertThat(writer.isDone()).as("writer blocked while the link is stalled").isFalse();

      // The redial may connect while the link is still stalled (plain TCP does; a TLS
      // handshake cannot finish through it), and its writes stall too until the link heals.
      rig.proxy.resume();
      log.await(Kind.REDIALED, 1, WITHIN);
      writer.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      c.write(Message.of("after"));
      await().atMost(WITHIN).until(() -> {
        List<Message> got = rig.server.received();
        return !got.isEmpty() && got.get(got.size() - 1).text().equals("after");
      });

      // What the kernel had taken on the stalled link may be lost (that is TCP: PROTOCOL.md
      // §8 "Redial"); nothing may come twice or out of order.
      List<Message> got = rig.server.received();
      assertThat(got.get(0).text()).isEqualTo("before");
      int last = -1;
      for (Message m : got.subList(1, got.size() - 1)) {
        int i = ByteBuffer.wrap(m.data()).getInt();
        assertThat(i).as("message after #" + last).isGreaterThan(last);
        last = i;
      }
      assertThat(last).as("the last message written before \"after\"").isEqualTo(MESSAGES - 1);
      assertThat(c.stats().redials()).isGreaterThanOrEqualTo(1);
    }
  }
}
