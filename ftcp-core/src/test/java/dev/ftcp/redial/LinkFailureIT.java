package dev.ftcp.redial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ftcp.Conn;
import dev.ftcp.FrameFormatException;
import dev.ftcp.Message;
import dev.ftcp.redial.StateLog.Event;
import dev.ftcp.redial.StateLog.Kind;
import dev.ftcp.testing.FaultProxy.Cut;
import dev.ftcp.testing.FaultProxy.Direction;
import dev.ftcp.testing.NettyLeakCheck;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Links that break while messages are in flight, and failures other than the peer going away:
 * each starts a redial, and what the library resends never makes a duplicate or a reordering.
 */
@Timeout(30)
class LinkFailureIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration WITHIN = Duration.ofSeconds(15);
  private static final int MESSAGES = 20_000;
  private static final int SIZE = 200;
  private static final int CUTS = 3;

  static Stream<Arguments> transportsAndCuts() {
    return Transport.enabled().flatMap(t -> Arrays.stream(Cut.values())
        .map(cut -> Arguments.of(t, cut)));
  }

  /**
   * A writer streams 20,000 messages while the link is cut three times, redialing at once each
   * time. The proxy adds a little delay so that the writer runs ahead of the link: at every
   * cut the queue is full and batches are in flight, some half written. What may be lost is
   * only what the kernel had taken when a link broke (on loopback a send buffer can hold
   * megabytes): the tail of a connection, never a message in the middle of one, and never what
   * was still queued. Nothing arrives twice or out of order.
   */
  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("transportsAndCuts")
  void aStreamCutInFlightLosesOnlyWhatTheKernelHadTaken(Transport transport, Cut cut)
      throws Exception {
    try (Rig rig = Rig.start(transport)) {
      StateLog log = new StateLog();
      Conn c = rig.dialProxy(b -> b.stateListener(log));
      rig.proxy.delay(Duration.ofMillis(1));
      FutureTask<Void> writer = Threads.start("writer", () -> {
        int cuts = 0;
        for (int i = 0; i < MESSAGES; i++) {
          c.write(Message.of(ByteBuffer.allocate(SIZE).putInt(i).array()));
          if (cuts < CUTS && i + 1 == MESSAGES * (cuts + 1) / (CUTS + 1)) {
            // The writer cuts, right after a write: it runs ahead of the delayed link, so the
            // queue is full and batches are in flight now. A test thread polling for that
            // could miss it on a busy machine (the socket can take the rest of the stream, and
            // the writer finish, while that thread waits for a core).
            cuts++;
            rig.proxy.cutAll(cut);
            log.await(Kind.REDIALED, cuts, WITHIN);
          }
        }
        return null;
      });
      writer.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      c.write(Message.of("end"));
      await().atMost(WITHIN).until(() -> {
        List<Message> got = rig.server.received();
        return !got.isEmpty() && got.get(got.size() - 1).text().equals("end");
      });

      List<TestServer.Session> sessions = rig.server.sessions();
      assertThat(sessions).hasSize(CUTS + 1);
      int last = -1;
      for (int s = 0; s < sessions.size(); s++) {
        List<Message> got = sessions.get(s).received();
        int end = s == sessions.size() - 1 ? got.size() - 1 : got.size(); // "end" is last
        for (int j = 0; j < end; j++) {
          int i = ByteBuffer.wrap(got.get(j).data()).getInt();
          if (j == 0) {
            assertThat(i).as("first message of connection %d", s + 1).isGreaterThan(last);
          } else if (i != last + 1) {
            throw new AssertionError("on connection " + (s + 1) + ", #" + i + " came after #"
                + last);
          }
          last = i;
        }
      }
      assertThat(last).as("the last message").isEqualTo(MESSAGES - 1);
      assertThat(c.stats().messagesDiscarded()).isZero();
      assertThat(c.stats().redials()).isEqualTo(CUTS);
    }
  }

  /**
   * Bytes of a middlebox's own in the server's stream start a redial: over TCP a frame error
   * (a frame shorter than its two ID slots), over TLS a record that does not decrypt.
   */
  @ParameterizedTest
  @MethodSource("dev.ftcp.redial.Transport#enabled")
  void aCorruptedStreamStartsARedial(Transport transport) throws Exception {
    try (Rig rig = Rig.start(transport)) {
      StateLog log = new StateLog();
      Conn c = rig.dialProxy(b -> b.stateListener(log));
      c.write(Message.of("before"));
      await().atMost(WITHIN).until(() -> rig.server.receivedCount() == 1);

      // Length 5, little-endian, then 5 bytes: shorter than the 16 bytes of ID and RepID.
      rig.proxy.inject(Direction.SERVER_TO_CLIENT, new byte[] {5, 0, 1, 2, 3, 4, 5});
      Event broke = log.await(Kind.DISCONNECTED, 1, WITHIN);
      assertThat(broke.cause()).isInstanceOf(
          transport.encrypted() ? SSLException.class : FrameFormatException.class);
      log.await(Kind.REDIALED, 1, WITHIN);

      c.write(Message.of("after"));
      await().atMost(WITHIN).until(() -> rig.server.receivedCount() == 2);
      assertThat(rig.server.received()).extracting(Message::text)
          .containsExactly("before", "after");
      assertThat(rig.server.sessions()).hasSize(2);
    }
  }
}
