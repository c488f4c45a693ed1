package dev.ftcp;

import dev.ftcp.testing.NettyLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ftcp.testing.Pair;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PROTOCOL.md §7 "Deadlines". */
@Timeout(30)
class DeadlineTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();


  @Test
  void aReadStillWaitingAtTheReadDeadlineTimesOutAndTheConnectionStaysUsable() throws Exception {
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      CompletableFuture<Message> waiting = readInBackground(r);
      p.server.setReadDeadline(Instant.now().plusMillis(200));
      assertThatThrownBy(waiting::get).isInstanceOf(ExecutionException.class)
          .hasRootCauseInstanceOf(FtcpTimeoutException.class);
      // Past the deadline every read times out at once, until it is cleared.
      assertThatThrownBy(r::read).isInstanceOf(FtcpTimeoutException.class);
      p.server.setReadDeadline(null);
      p.client.write(Message.of("still works"));
      assertThat(r.read().text()).isEqualTo("still works");
    }
  }

  @Test
  void aDeadlineMovedEarlierWakesReadersAlreadyWaiting() throws Exception {
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      p.server.setReadDeadline(Instant.now().plusSeconds(60));
      CompletableFuture<Message> waiting = readInBackground(r);
      p.server.setDeadline(Instant.now().plusMillis(100));
      assertThatThrownBy(waiting::get).isInstanceOf(ExecutionException.class)
          .hasRootCauseInstanceOf(FtcpTimeoutException.class);
    }
  }

  @Test
  void aWriteBlockedOnAFullQueueAtTheWriteDeadlineTimesOut() throws Exception {
    Options client = Options.builder().writeQueueDepth(4).build();
    Options server = Options.builder().readerBufferDepth(1).build();
    try (Pair p = Pair.open(client, server); Reader r = p.server.reader()) {
      byte[] big = new byte[60_000];
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          for (;;) {
            p.client.write(Message.of(big));
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }, runnable -> new Thread(runnable).start());
      await().atMost(Duration.ofSeconds(20)).until(() -> p.client.stats().queued() == 4);
      p.client.setWriteDeadline(Instant.now().plusMillis(100));
      assertThatThrownBy(writer::get).isInstanceOf(ExecutionException.class)
          .hasRootCauseInstanceOf(FtcpTimeoutException.class);
      assertThat(p.client.isOpen()).isTrue();
      p.client.setWriteDeadline(null);
      assertThat(r.read(Duration.ofSeconds(5)).data()).hasSize(60_000);
    }
  }

  /** A read() blocked on a thread of its own. */
  private static CompletableFuture<Message> readInBackground(Reader r) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return r.read();
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    }, runnable -> new Thread(runnable).start());
  }
}
