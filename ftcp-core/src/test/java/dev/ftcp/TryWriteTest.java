package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ftcp.testing.NettyLeakCheck;
import dev.ftcp.testing.Pair;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Conn.tryWrite: queues while there is room, returns -1 on a full queue, never waits. */
@Timeout(60)
class TryWriteTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void returnsIdsInOrderAndTheMessagesArrive() throws Exception {
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      assertThat(p.client.tryWrite(Message.of("a"))).isEqualTo(1);
      assertThat(p.client.tryWrite(new Message(59, 0, "x".getBytes(StandardCharsets.UTF_8))))
          .isEqualTo(59);
      assertThat(p.client.write(Message.of("b"))).isEqualTo(2);
      assertThat(p.client.tryWrite(Message.of("c"))).isEqualTo(3);

      assertThat(r.read(WAIT).text()).isEqualTo("a");
      assertThat(r.read(WAIT).id()).isEqualTo(59);
      assertThat(r.read(WAIT).text()).isEqualTo("b");
      Message c = r.read(WAIT);
      assertThat(c.id()).isEqualTo(3);
      assertThat(c.text()).isEqualTo("c");
    }
  }

  /**
   * While a client redials nothing drains its queue: exactly {@code writeQueueDepth} messages
   * are taken, then every try returns -1 at once, where {@code write} would wait.
   */
  @Test
  void returnsMinusOneWhileTheQueueIsFullAndNeverWaits() throws Exception {
    Options client = Options.builder()
        .writeQueueDepth(4)
        .closeLinger(Duration.ZERO)
        .build();
    Pair p = Pair.open(client, Options.defaults());
    try {
      p.listener.close();
      p.server.close();
      await().atMost(WAIT).until(() -> p.client.localAddress() == null); // redialing
      for (int i = 1; i <= 4; i++) {
        assertThat(p.client.tryWrite(Message.of("m" + i))).isEqualTo(i);
      }
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
        for (int i = 0; i < 10_000; i++) {
          assertThat(p.client.tryWrite(Message.of("refused"))).isEqualTo(-1);
        }
      });
      assertThat(p.client.stats().queued()).isEqualTo(4);
      assertThat(p.client.isOpen()).isTrue();
    } finally {
      p.close();
    }
  }

  /**
   * On a live link whose peer does not read, the queue fills once the sockets are full; after
   * the peer reads, there is room again, and every message taken arrives once, in order.
   */
  @Test
  void aFullQueueOfALiveLinkHasRoomAgainOnceThePeerReads() throws Exception {
    Options client = Options.builder().writeQueueDepth(8).build();
    Options server = Options.builder().readerBufferDepth(2).build();
    byte[] big = new byte[60_000];
    try (Pair p = Pair.open(client, server); Reader r = p.server.reader()) {
      AtomicLong taken = new AtomicLong();
      await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(1))
          .until(() -> {
            long id = p.client.tryWrite(Message.of(big));
            if (id == -1) {
              return true;
            }
            assertThat(id).isEqualTo(taken.incrementAndGet());
            return false;
          });
      assertThat(p.client.stats().queued()).isEqualTo(8);
      for (long i = 1; i <= taken.get(); i++) {
        assertThat(r.read(WAIT).id()).isEqualTo(i);
      }
      long next = taken.get() + 1;
      assertThat(p.client.tryWrite(Message.of("room again"))).isEqualTo(next);
      Message last = r.read(WAIT);
      assertThat(last.id()).isEqualTo(next);
      assertThat(last.text()).isEqualTo("room again");
    }
  }

  /**
   * In a callback on the connection's own I/O thread nothing drains its queue until the
   * callback returns: the fifth try on a queue of four returns -1 where {@code write} throws,
   * and the refusal uses no ID.
   */
  @Test
  void worksInACallbackOnTheIoThread() throws Exception {
    Options direct = Options.builder()
        .callbackExecutor(Runnable::run) // completions run where they arise: the I/O thread
        .writeQueueDepth(4)
        .build();
    try (Pair p = Pair.open(Options.defaults(), direct);
        Reader serverReader = p.server.reader();
        Reader clientReader = p.client.reader()) {
      CompletableFuture<List<Object>> outcomes = new CompletableFuture<>();
      // Asked before anything is sent, so the message completes it on the I/O thread.
      serverReader.readAsync().whenComplete((q, e) -> {
        List<Object> out = new ArrayList<>();
        out.add(Thread.currentThread().getName());
        for (int i = 1; i <= 5; i++) {
          try {
            out.add(p.server.tryWrite(q.reply(("r" + i).getBytes(StandardCharsets.UTF_8))));
          } catch (Throwable t) {
            out.add(t);
          }
        }
        outcomes.complete(out);
      });
      p.client.write(Message.of("q"));

      List<Object> out = outcomes.get(10, TimeUnit.SECONDS);
      assertThat((String) out.get(0)).startsWith("ftcp-io-");
      assertThat(out.subList(1, 6)).containsExactly(1L, 2L, 3L, 4L, -1L);
      for (int i = 1; i <= 4; i++) {
        assertThat(clientReader.read(WAIT).text()).isEqualTo("r" + i);
      }
      assertThat(p.server.write(Message.of("next"))).isEqualTo(5);
      assertThat(clientReader.read(WAIT).id()).isEqualTo(5);
    }
  }

  @Test
  void refusesWhatWriteRefuses() throws Exception {
    Pair p = Pair.open();
    try {
      assertThatThrownBy(() -> p.client.tryWrite(null))
          .isInstanceOf(NullPointerException.class).hasMessage("msg");
      assertThatThrownBy(() -> p.client.tryWrite(Message.of(new byte[65520])))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65520");
      assertThatThrownBy(() -> p.client.tryWrite(new Message(1L << 56, 0, new byte[0])))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ID");
      assertThatThrownBy(() -> p.client.tryWrite(new Message(1, -1, new byte[0])))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RepID");
      assertThat(p.client.stats().queued()).isZero();

      p.client.close();
      assertThatThrownBy(() -> p.client.tryWrite(Message.of("late")))
          .isInstanceOf(ConnectionClosedException.class)
          .hasMessageContaining("closed");
      assertThatThrownBy(() -> p.client.write(Message.of("late")))
          .isInstanceOf(ConnectionClosedException.class);
      await().atMost(WAIT).until(() -> !p.server.isOpen());
      assertThatThrownBy(() -> p.server.tryWrite(Message.of("late")))
          .isInstanceOf(ConnectionClosedException.class);
    } finally {
      p.close();
    }
  }
}
