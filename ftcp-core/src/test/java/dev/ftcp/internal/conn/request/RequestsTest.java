package dev.ftcp.internal.conn.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.ConnectionClosedException;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.internal.conn.request.Requests.Routed;
import dev.ftcp.internal.conn.FakeHost;
import dev.ftcp.internal.conn.write.WriteQueue;
import dev.ftcp.internal.time.FakeClock;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection's requests without a connection: replies routed by hand, timeouts in test time.
 * The write queue's event loop runs nothing, so request messages just wait in its ring.
 */
@Timeout(10)
class RequestsTest {
  private final FakeClock clock = new FakeClock();
  private final FakeHost host = FakeHost.queuingTasks();
  private final WriteQueue queue =
      new WriteQueue(Options.builder().writeQueueDepth(10_000).build(), host);
  private final Requests requests = new Requests(clock, Runnable::run, queue, host);

  private CompletableFuture<Message> ask(Duration timeout) throws Exception {
    return requests.requestAsync(Message.of("question"), timeout);
  }

  private static long id(CompletableFuture<Message> f) {
    return ((PendingRequest) f).id();
  }

  private static Message replyTo(long id) {
    return new Message(0, id, "answer".getBytes());
  }

  private void advanceMillis(long ms) {
    clock.advance(Duration.ofMillis(ms));
  }

  @Test
  void anAsyncRequestTimesOutAtItsDeadlineAndNotBefore() throws Exception {
    CompletableFuture<Message> f = ask(Duration.ofSeconds(1));
    assertThat(queue.size()).as("its message is queued").isEqualTo(1);
    assertThat(clock.pending()).containsExactly(Duration.ofSeconds(1));
    clock.advance(Duration.ofMillis(1000).minusNanos(1));
    assertThat(f).isNotDone();
    assertThat(requests.size()).isEqualTo(1);
    clock.advance(Duration.ofNanos(1));
    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(FtcpTimeoutException.class)
        .hasMessageContaining("no reply to request " + id(f) + " within 1 s");
    assertThat(requests.size()).isZero();
    assertThat(requests.sweepsArmed()).isZero();
    assertThat(clock.pending()).isEmpty();
  }

  @Test
  void oneSweepServesAnyNumberOfDeadlines() throws Exception {
    List<CompletableFuture<Message>> fs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      fs.add(ask(Duration.ofSeconds(1)));
      advanceMillis(1);
      assertThat(requests.sweepsArmed()).isEqualTo(1);
    }
    assertThat(clock.pending()).hasSize(1);
    // Now at 1 s: the first deadline. Each later one is a millisecond after the one before it.
    for (int i = 0; i < 1000; i++) {
      advanceMillis(1);
      assertThat(requests.sweepsArmed()).isLessThanOrEqualTo(1);
      assertThat(clock.pending()).hasSizeLessThanOrEqualTo(1);
    }
    assertThat(fs.stream().filter(CompletableFuture::isCompletedExceptionally).count())
        .isEqualTo(1000);
    assertThat(requests.sweepsArmed()).isZero();
  }

  @Test
  void anEarlierDeadlineArmsItsOwnSweepAndTheirChainsMergeInsteadOfPilingUp() throws Exception {
    List<CompletableFuture<Message>> longOnes = new ArrayList<>();
    List<CompletableFuture<Message>> shortOnes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      longOnes.add(ask(Duration.ofSeconds(50)));
      // Each deadline is earlier than the last (1,800 ms down to 240 ms): each arms a sweep.
      shortOnes.add(ask(Duration.ofMillis(1_800 - 40 * i)));
    }
    assertThat(requests.sweepsArmed()).isEqualTo(41);
    advanceMillis(239);
    assertThat(shortOnes).noneMatch(CompletableFuture::isDone);
    advanceMillis(1);
    assertThat(shortOnes.get(39)).isCompletedExceptionally();
    assertThat(shortOnes.subList(0, 39)).noneMatch(CompletableFuture::isDone);
    advanceMillis(1_800 - 240);
    assertThat(shortOnes).allSatisfy(f -> assertThatThrownBy(f::join)
        .cause().isInstanceOf(FtcpTimeoutException.class));
    // Left: the sweep the first long request armed, and the one the last short sweep armed for
    // the same deadline. Had each sweep cleared the mark of whichever was armed last, each
    // would have re-armed one of its own: 41.
    assertThat(requests.sweepsArmed()).isLessThanOrEqualTo(2);
    assertThat(clock.pending()).allMatch(d -> d.equals(Duration.ofMillis(50_000 - 1_800)));
    assertThat(longOnes).noneMatch(CompletableFuture::isDone);
    advanceMillis(50_000 - 1_800);
    assertThat(longOnes).allMatch(CompletableFuture::isCompletedExceptionally);
    assertThat(requests.sweepsArmed()).isZero();
    assertThat(clock.pending()).isEmpty();
  }

  @Test
  void aReplyAfterTheTimeoutIsRecognizedAsLateOnce() throws Exception {
    CompletableFuture<Message> f = ask(Duration.ofMillis(100));
    advanceMillis(100);
    assertThat(f).isCompletedExceptionally();
    assertThat(requests.route(replyTo(id(f)))).isEqualTo(Routed.LATE);
    assertThat(requests.route(replyTo(id(f)))).isEqualTo(Routed.NONE);
  }

  @Test
  void aReplyInFlightAnswersItsRequestWhenAnsweredRequestsAreCompleted() throws Exception {
    CompletableFuture<Message> f = ask(Duration.ofSeconds(1));
    CompletableFuture<Message> other = ask(Duration.ofSeconds(1));
    Message reply = replyTo(id(f));
    assertThat(requests.route(reply)).isEqualTo(Routed.ANSWERED);
    assertThat(f).as("completed with the others of its read batch").isNotDone();
    requests.completeAnswered();
    assertThat(f).isCompletedWithValue(reply);
    assertThat(other).isNotDone();
    assertThat(requests.size()).isEqualTo(1);
    assertThat(requests.route(reply)).as("a second reply").isEqualTo(Routed.NONE);
    advanceMillis(1_000);
    assertThat(f).isCompletedWithValue(reply);
    assertThat(other).isCompletedExceptionally();
  }

  @Test
  void messagesThatAnswerNoRequestRouteNowhere() throws Exception {
    ask(Duration.ofSeconds(1));
    assertThat(requests.route(Message.of("no RepID"))).isEqualTo(Routed.NONE);
    assertThat(requests.route(replyTo(123_456))).isEqualTo(Routed.NONE);
    assertThat(requests.size()).isEqualTo(1);
  }

  @Test
  void cancellingFreesTheIdAndALaterReplyIsAnOrdinaryMessage() throws Exception {
    Message asked = new Message(42, 0, "question".getBytes());
    CompletableFuture<Message> f = requests.requestAsync(asked, Duration.ofSeconds(1));
    assertThat(f.cancel(false)).isTrue();
    assertThat(requests.size()).isZero();
    assertThat(requests.route(replyTo(42))).isEqualTo(Routed.NONE);

    CompletableFuture<Message> again = requests.requestAsync(asked, Duration.ofSeconds(1));
    assertThat(requests.route(replyTo(42))).isEqualTo(Routed.ANSWERED);
    requests.completeAnswered();
    assertThat(again).isCompletedWithValue(replyTo(42));
    // The cancelled one's timeout finds nothing, and its ID is not remembered as timed out.
    advanceMillis(1_000);
    assertThat(requests.route(replyTo(42))).isEqualTo(Routed.NONE);
  }

  @Test
  void registeringAnIdInFlightAgainIsRefused() throws Exception {
    Message asked = new Message(7, 0, "question".getBytes());
    CompletableFuture<Message> first = requests.requestAsync(asked, Duration.ofSeconds(1));
    assertThatThrownBy(() -> requests.requestAsync(asked, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("a request with ID 7 is already in flight");
    assertThatThrownBy(() -> requests.register(7, false, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(requests.size()).isEqualTo(1);
    assertThat(queue.size()).as("the refused one is not queued").isEqualTo(1);
    assertThat(requests.route(replyTo(7))).isEqualTo(Routed.ANSWERED);
    requests.completeAnswered();
    assertThat(first).isCompletedWithValue(replyTo(7));
  }

  @Test
  void theEndFailsEveryRequestWithItsExceptionAndNoSweepRunsOrIsArmedAgain() throws Exception {
    List<CompletableFuture<Message>> fs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      fs.add(ask(Duration.ofMillis(100 + i)));
    }
    ConnectionClosedException end = new ConnectionClosedException("peer went away");
    host.ended = true;
    requests.endAll(end);
    assertThat(fs).allSatisfy(f -> assertThatThrownBy(f::join).cause().isSameAs(end));
    assertThat(requests.size()).isZero();
    assertThat(clock.pending()).as("the sweep was cancelled").isEmpty();
    advanceMillis(10_000);
    assertThat(clock.pending()).isEmpty();
  }

  @Test
  void aRequestAfterTheEndFailsAndArmsNothing() throws Exception {
    requests.endAll(new ConnectionClosedException("closed"));
    // The requests ended while it was being sent: no sweep is armed for it, and it fails.
    CompletableFuture<Message> f = ask(Duration.ofSeconds(1));
    assertThatThrownBy(f::join).cause().isInstanceOf(ConnectionClosedException.class);
    assertThat(requests.size()).isZero();
    assertThat(clock.pending()).isEmpty();
  }

  @Test
  void aRequestIsFailedWhenTheClockTakesNoMoreTasks() throws Exception {
    clock.refuse();
    CompletableFuture<Message> f = ask(Duration.ofSeconds(1));
    assertThatThrownBy(f::join).cause().isInstanceOf(ConnectionClosedException.class);
    assertThat(requests.size()).isZero();
    assertThat(requests.sweepsArmed()).isZero();
  }

  @Test
  void anEndlessTimeoutArmsNoSweep() throws Exception {
    CompletableFuture<Message> f = ask(Duration.ofSeconds(Long.MAX_VALUE));
    assertThat(clock.pending()).isEmpty();
    assertThat(requests.sweepsArmed()).isZero();
    advanceMillis(1_000_000);
    assertThat(f).isNotDone();
  }

  @Test
  void timedOutIdsAreForgottenOldestFirstBeyondTheirMemory() throws Exception {
    CompletableFuture<Message> oldest = ask(Duration.ofMillis(5));
    advanceMillis(5);
    List<CompletableFuture<Message>> fs = new ArrayList<>();
    for (int i = 0; i < Requests.TIMED_OUT_MEMORY; i++) {
      fs.add(ask(Duration.ofMillis(10)));
    }
    advanceMillis(10);
    assertThat(requests.route(replyTo(id(oldest)))).isEqualTo(Routed.NONE);
    for (CompletableFuture<Message> f : fs) {
      assertThat(requests.route(replyTo(id(f)))).as("the reply to %d", id(f))
          .isEqualTo(Routed.LATE);
    }
  }
}
