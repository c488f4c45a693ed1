package dev.ftcp.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The per-connection sweep of overdue asynchronous requests: however often an earlier deadline
 * arms a new sweep, the sweeps that fire merge back into one chain, rather than each going on
 * re-arming itself while requests stay in flight.
 */
@Timeout(60)
class RequestSweepTest {
  @Test
  void sweepsArmedByEarlierDeadlinesMergeInsteadOfPilingUp() throws Exception {
    try (Listener l = Ftcp.listen("127.0.0.1:0");
        Conn c = Ftcp.dial("127.0.0.1:" + l.address().getPort());
        Conn server = l.accept(Duration.ofSeconds(10))) {
      RealConn conn = (RealConn) c;
      // Unanswered all along: the long ones stay in flight, so sweeps keep finding work.
      List<CompletableFuture<Message>> longOnes = new ArrayList<>();
      List<CompletableFuture<Message>> shortOnes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        longOnes.add(c.requestAsync(Message.of("long"), Duration.ofSeconds(50)));
        // Each deadline is earlier than the last (1,800 ms down to 240 ms): each arms a sweep.
        shortOnes.add(c.requestAsync(Message.of("short"), Duration.ofMillis(1_800 - 40 * i)));
      }
      assertThat(conn.requests().sweepsArmed()).isGreaterThan(1);
      await().atMost(Duration.ofSeconds(20))
          .until(() -> shortOnes.stream().allMatch(CompletableFuture::isDone));
      assertThat(shortOnes).allSatisfy(f -> assertThat(f)
          .failsWithin(Duration.ofSeconds(1)).withThrowableOfType(Exception.class)
          .withCauseInstanceOf(FtcpTimeoutException.class));
      // Every sweep armed for a short deadline has run by now (the last was due at 1.8 s plus
      // a tick). What is left: the sweep the first long request armed, and the one the last
      // sweep armed for the same deadline. Had each sweep cleared the mark of whichever was
      // armed, each would have re-armed one of its own: 41 here.
      await().atMost(Duration.ofSeconds(5)).during(Duration.ofMillis(500))
          .until(() -> conn.requests().sweepsArmed() <= 2);
      assertThat(longOnes).noneMatch(CompletableFuture::isDone);
    }
  }
}
