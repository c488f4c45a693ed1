package dev.ftcp;

import dev.ftcp.testing.NettyLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ftcp.testing.Pair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PROTOCOL.md §6 "Request / reply", over real loopback sockets. */
@Timeout(60)
class RequestTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();


  @Test
  void sixtyFourConcurrentRequestsAnsweredInReverseOrderEachGetTheirOwnReply() throws Exception {
    int n = 64;
    ExecutorService callers = Executors.newFixedThreadPool(n);
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      List<Future<Message>> replies = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String body = "q" + i;
        replies.add(callers.submit(() -> p.client.request(Message.of(body), Duration.ofSeconds(20))));
      }
      List<Message> requests = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        requests.add(r.read(Duration.ofSeconds(10)));
      }
      for (int i = n - 1; i >= 0; i--) { // the last asked is answered first
        Message q = requests.get(i);
        p.server.write(q.reply(("re:" + q.text()).getBytes()));
      }
      for (int i = 0; i < n; i++) {
        assertThat(replies.get(i).get().text()).isEqualTo("re:q" + i);
      }
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void requestAsyncCompletesOffTheIoThreadWithItsReply() throws Exception {
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      CompletableFuture<Message> f = p.client.requestAsync(Message.of("hi"), Duration.ofSeconds(10));
      CompletableFuture<String> thread = f.thenApply(m -> Thread.currentThread().getName());
      Message q = r.read(Duration.ofSeconds(5));
      p.server.write(q.reply("ho".getBytes()));
      assertThat(f.get().text()).isEqualTo("ho");
      assertThat(f.get().repId()).isEqualTo(q.id());
      assertThat(thread.get()).doesNotStartWith("ftcp-io-");
    }
  }

  @Test
  void aRequestWithNoReplyTimesOut() throws Exception {
    try (Pair p = Pair.open()) {
      assertThatThrownBy(() -> p.client.request(Message.of("?"), Duration.ofMillis(200)))
          .isInstanceOf(FtcpTimeoutException.class).hasMessageContaining("200");
      CompletableFuture<Message> f = p.client.requestAsync(Message.of("?"), Duration.ofMillis(200));
      assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(FtcpTimeoutException.class);
    }
  }

  /**
   * Asynchronous timeouts are swept per connection, armed for the earliest deadline: a short
   * timeout asked after a long one must not wait for the long one's sweep, and a sweep must fail
   * only what is overdue.
   */
  @Test
  void aShortTimeoutAfterALongOneFiresOnTimeAndTheLongOneStillGetsItsReply() throws Exception {
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      CompletableFuture<Message> slow = p.client.requestAsync(Message.of("slow"),
          Duration.ofSeconds(30));
      long t0 = System.nanoTime();
      CompletableFuture<Message> quick = p.client.requestAsync(Message.of("quick"),
          Duration.ofMillis(100));
      assertThatThrownBy(() -> quick.get(10, java.util.concurrent.TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(FtcpTimeoutException.class)
          .hasMessageContaining("100 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
      assertThat(slow).isNotDone();
      Message q = r.read(Duration.ofSeconds(5));
      assertThat(q.text()).isEqualTo("slow");
      p.server.write(q.reply("done".getBytes()));
      assertThat(slow.get(10, java.util.concurrent.TimeUnit.SECONDS).text()).isEqualTo("done");
    }
  }

  @Test
  void manyTimeoutsSpreadOverTimeEachFailOnlyOnceDue() throws Exception {
    try (Pair p = Pair.open()) {
      int n = 200;
      List<CompletableFuture<Message>> fs = new ArrayList<>();
      long[] asked = new long[n];
      long[] failedAt = new long[n];
      for (int i = 0; i < n; i++) {
        // Deadlines 50 to 1,040 ms away, asked out of deadline order.
        Duration timeout = Duration.ofMillis(50 + (i * 37L) % 1000);
        asked[i] = System.nanoTime() + timeout.toNanos();
        int k = i;
        fs.add(p.client.requestAsync(Message.of("q" + i), timeout).whenComplete((m, e) -> {
          if (e instanceof FtcpTimeoutException) {
            synchronized (failedAt) {
              failedAt[k] = System.nanoTime();
            }
          }
        }));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> fs.stream().allMatch(f -> f.isDone()));
      synchronized (failedAt) {
        for (int i = 0; i < n; i++) {
          assertThat(failedAt[i]).as("request %d timed out", i).isNotZero();
          // Never before its deadline.
          assertThat(failedAt[i] - asked[i]).as("request %d", i).isNotNegative();
        }
      }
    }
  }

  @Test
  void aLateReplyWithNoReaderOpenIsDiscardedAndCounted() throws Exception {
    try (Pair p = Pair.open()) {
      Message q;
      try (Reader r = p.server.reader()) {
        assertThatThrownBy(() -> p.client.request(Message.of("slow"), Duration.ofMillis(100)))
            .isInstanceOf(FtcpTimeoutException.class);
        q = r.read(Duration.ofSeconds(5));
      }
      p.server.write(q.reply("too late".getBytes()));
      await().atMost(Duration.ofSeconds(5))
          .until(() -> p.client.stats().lateRepliesDiscarded() == 1);
      // It did not go to the backlog: a reader opened now sees only what comes next.
      try (Reader cr = p.client.reader()) {
        p.server.write(Message.of("next"));
        assertThat(cr.read(Duration.ofSeconds(5)).text()).isEqualTo("next");
      }
    }
  }

  @Test
  void aLateReplyGoesToTheReadersThatAreOpen() throws Exception {
    try (Pair p = Pair.open(); Reader sr = p.server.reader(); Reader cr = p.client.reader()) {
      assertThatThrownBy(() -> p.client.request(Message.of("slow"), Duration.ofMillis(100)))
          .isInstanceOf(FtcpTimeoutException.class);
      Message q = sr.read(Duration.ofSeconds(5));
      p.server.write(q.reply("late".getBytes()));
      Message got = cr.read(Duration.ofSeconds(5));
      assertThat(got.repId()).isEqualTo(q.id());
      assertThat(p.client.stats().lateRepliesDiscarded()).isZero();
    }
  }

  @Test
  void aReplyAlsoReachesOpenReadersButNotTheBacklog() throws Exception {
    try (Pair p = Pair.open(); Reader sr = p.server.reader()) {
      CompletableFuture<Message> f = p.client.requestAsync(Message.of("q"), Duration.ofSeconds(10));
      Message q = sr.read(Duration.ofSeconds(5));
      p.server.write(q.reply("a".getBytes()));
      assertThat(f.get().text()).isEqualTo("a");
      try (Reader cr = p.client.reader()) { // opened after: the reply is not waiting for it
        p.server.write(Message.of("b"));
        assertThat(cr.read(Duration.ofSeconds(5)).text()).isEqualTo("b");
      }
      try (Reader cr = p.client.reader()) { // open before: it sees the reply too
        CompletableFuture<Message> g =
            p.client.requestAsync(Message.of("q2"), Duration.ofSeconds(10));
        Message q2 = sr.read(Duration.ofSeconds(5));
        p.server.write(q2.reply("c".getBytes()));
        assertThat(g.get().text()).isEqualTo("c");
        assertThat(cr.read(Duration.ofSeconds(5)).text()).isEqualTo("c");
      }
    }
  }

  @Test
  void twoRequestsInFlightWithOneIdIsMisuse() throws Exception {
    try (Pair p = Pair.open()) {
      CompletableFuture<Message> first =
          p.client.requestAsync(new Message(7, 0, new byte[0]), Duration.ofSeconds(10));
      assertThatThrownBy(() -> p.client.request(new Message(7, 0, new byte[0]),
          Duration.ofSeconds(1)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("7");
      assertThat(first).isNotDone();
    }
  }

  @Test
  void pendingRequestsFailWhenTheConnectionCloses() throws Exception {
    try (Pair p = Pair.open()) {
      CompletableFuture<Message> f = p.client.requestAsync(Message.of("q"), Duration.ofSeconds(30));
      p.client.close();
      assertThatThrownBy(() -> f.get(5, java.util.concurrent.TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(ConnectionClosedException.class);
    }
  }
}
