package dev.ftcp.internal.conn.read;

import dev.ftcp.testing.NettyLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ftcp.ConnectionClosedException;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import dev.ftcp.internal.codec.FrameCodec;
import dev.ftcp.internal.conn.request.PendingRequest;
import dev.ftcp.internal.conn.request.Requests;
import dev.ftcp.internal.conn.FakeHost;
import dev.ftcp.internal.conn.write.WriteQueue;
import dev.ftcp.internal.time.FakeClock;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * Where received messages go, without a socket: the test is the event loop and hands messages
 * to {@link Inbound} itself; auto-read is watched on an EmbeddedChannel; requests time out in
 * test time.
 */
@Timeout(10)
class InboundTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final int DEPTH = 4;

  private final FakeClock clock = new FakeClock();
  private final EmbeddedChannel ch = new EmbeddedChannel();
  private final FakeHost conn = FakeHost.runningTasks();
  private final FakeHost writes = FakeHost.queuingTasks();
  private final WriteQueue queue =
      new WriteQueue(Options.builder().writeQueueDepth(1_000).build(), writes);
  private final Requests requests = new Requests(clock, Runnable::run, queue, writes);
  private final Inbound inbound = new Inbound(conn, requests, queue.writer(), false, DEPTH);

  {
    conn.channel = ch;
  }

  @AfterEach
  void closeChannel() {
    ch.finishAndReleaseAll();
  }

  /** One socket read that brought {@code ms}. */
  private void receive(Message... ms) {
    for (Message m : ms) {
      inbound.onMessage(m);
    }
    inbound.onReadComplete();
  }

  private void receive(int n) {
    for (int i = 0; i < n; i++) {
      inbound.onMessage(Message.of("m" + i));
    }
    inbound.onReadComplete();
  }

  /** The next message the reader has, or null; never waits. */
  private static Message poll(Reader r) throws Exception {
    try {
      return r.read(Duration.ZERO);
    } catch (FtcpTimeoutException e) {
      return null;
    }
  }

  private static List<String> drain(Reader r) throws Exception {
    List<String> out = new ArrayList<>();
    Message m;
    while ((m = poll(r)) != null) {
      out.add(m.text());
    }
    return out;
  }

  private boolean autoRead() {
    return ch.config().isAutoRead();
  }

  @Test
  void everyOpenReaderReceivesEveryMessage() throws Exception {
    Reader a = inbound.newReader();
    Reader b = inbound.newReader();
    receive(Message.of("one"), Message.of("two"));
    assertThat(drain(a)).containsExactly("one", "two");
    assertThat(drain(b)).containsExactly("one", "two");
    b.close();
    receive(Message.of("three"));
    assertThat(drain(a)).containsExactly("three");
    assertThatThrownBy(() -> b.read(Duration.ZERO)).isInstanceOf(ConnectionClosedException.class)
        .hasMessage("reader is closed");
  }

  @Test
  void whatComesWhileNoReaderIsOpenIsHandedWholeToTheNextReader() throws Exception {
    receive(Message.of("one"), Message.of("two"), Message.of("three"));
    Reader first = inbound.newReader();
    Reader second = inbound.newReader();
    assertThat(drain(first)).containsExactly("one", "two", "three");
    assertThat(drain(second)).isEmpty();
    first.close();
    second.close();
    receive(Message.of("four"));
    assertThat(drain(inbound.newReader())).containsExactly("four");
  }

  @Test
  void aFullReaderPausesReadingUntilItIsHalfEmpty() throws Exception {
    Reader r = inbound.newReader();
    receive(DEPTH - 1);
    assertThat(autoRead()).isTrue();
    assertThat(inbound.readingPaused()).isFalse();
    receive(1);
    assertThat(autoRead()).isFalse();
    assertThat(inbound.readingPaused()).isTrue();
    poll(r); // 3 left
    assertThat(autoRead()).isFalse();
    poll(r); // 2 left: half
    assertThat(autoRead()).isTrue();
    assertThat(inbound.readingPaused()).isFalse();
  }

  @Test
  void aFullBacklogPausesReadingAndTheReaderItGoesToResumesIt() throws Exception {
    receive(DEPTH);
    assertThat(autoRead()).isFalse();
    Reader r = inbound.newReader();
    assertThat(autoRead()).as("the reader holds the backlog now: full").isFalse();
    poll(r);
    poll(r);
    assertThat(autoRead()).isTrue();
  }

  @Test
  void readingResumesOnlyOnceNoReaderIsFull() throws Exception {
    Reader fast = inbound.newReader();
    Reader slow = inbound.newReader();
    receive(DEPTH);
    assertThat(autoRead()).isFalse();
    assertThat(drain(fast)).hasSize(DEPTH);
    assertThat(autoRead()).as("the slow one is still full").isFalse();
    poll(slow);
    poll(slow);
    assertThat(autoRead()).isTrue();
  }

  @Test
  void closingTheFullReaderResumesReading() throws Exception {
    Reader r = inbound.newReader();
    receive(DEPTH);
    assertThat(autoRead()).isFalse();
    r.close();
    assertThat(autoRead()).isTrue();
  }

  @Test
  void aNewChannelDoesNotReadWhileReadingIsPaused() {
    EmbeddedChannel next = new EmbeddedChannel();
    try {
      receive(DEPTH);
      inbound.channelReady(next);
      assertThat(next.config().isAutoRead()).isFalse();
    } finally {
      next.finishAndReleaseAll();
    }
  }

  @Test
  void whileClosingWithReadingPausedNothingMoreIsKept() throws Exception {
    Reader r = inbound.newReader();
    receive(DEPTH);
    conn.outputShut = true;
    receive(Message.of("dropped"));
    assertThat(drain(r)).hasSize(DEPTH).doesNotContain("dropped");
    assertThat(inbound.receivedOnLoop()).as("counted all the same").isEqualTo(DEPTH + 1);
  }

  @Test
  void aLateReplyWithNoReaderIsCountedAndNotKept() throws Exception {
    CompletableFuture<Message> f = requests.requestAsync(Message.of("q"), Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(f).isCompletedExceptionally();
    long id = ((PendingRequest) f).id();
    receive(new Message(0, id, "late".getBytes()));
    assertThat(inbound.lateReplies()).isEqualTo(1);
    assertThat(drain(inbound.newReader())).isEmpty();
  }

  @Test
  void aLateReplyGoesToTheOpenReadersAndIsNotCounted() throws Exception {
    Reader r = inbound.newReader();
    CompletableFuture<Message> f = requests.requestAsync(Message.of("q"), Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    long id = ((PendingRequest) f).id();
    receive(new Message(0, id, "late".getBytes()));
    assertThat(inbound.lateReplies()).isZero();
    assertThat(drain(r)).containsExactly("late");
  }

  @Test
  void aReplyAnswersItsRequestAndIsNotKeptForTheNextReader() throws Exception {
    CompletableFuture<Message> f = requests.requestAsync(Message.of("q"), Duration.ofSeconds(1));
    long id = ((PendingRequest) f).id();
    receive(new Message(0, id, "answer".getBytes()));
    assertThat(f).isCompleted();
    assertThat(f.join().text()).isEqualTo("answer");
    assertThat(inbound.lateReplies()).isZero();
    assertThat(drain(inbound.newReader())).isEmpty();
  }

  @Test
  void aReplyAlsoReachesEveryOpenReader() throws Exception {
    Reader r = inbound.newReader();
    CompletableFuture<Message> f = requests.requestAsync(Message.of("q"), Duration.ofSeconds(1));
    long id = ((PendingRequest) f).id();
    receive(new Message(0, id, "answer".getBytes()));
    assertThat(f).isCompleted();
    assertThat(drain(r)).containsExactly("answer");
  }

  @Test
  void messagesAndBytesAreCountedAsEachMessageIsHandled() {
    inbound.onMessage(Message.of(new byte[100]));
    assertThat(inbound.messagesIn()).isEqualTo(1);
    inbound.onMessage(Message.of(new byte[10]));
    assertThat(inbound.receivedOnLoop()).isEqualTo(2);
    assertThat(inbound.messagesIn()).isEqualTo(2);
    assertThat(inbound.bytesIn()).isEqualTo(
        FrameCodec.frameSize(100, 2) + FrameCodec.frameSize(10, 2));
  }

  @Test
  void everyHandOverEveryMessagesTheAnsweredRequestsAreCompleted() throws Exception {
    int n = Inbound.HAND_OVER_EVERY;
    List<CompletableFuture<Message>> fs = new ArrayList<>();
    for (int i = 0; i < n + 1; i++) {
      fs.add(requests.requestAsync(Message.of("q"), Duration.ofSeconds(10)));
    }
    for (int i = 0; i < n - 1; i++) {
      long id = ((PendingRequest) fs.get(i)).id();
      inbound.onMessage(new Message(0, id, "a".getBytes()));
    }
    assertThat(fs).noneMatch(CompletableFuture::isDone);
    long last = ((PendingRequest) fs.get(n - 1)).id();
    inbound.onMessage(new Message(0, last, "a".getBytes()));
    assertThat(fs.subList(0, n)).allMatch(CompletableFuture::isDone);
    // The count starts over: the next reply waits for the next hand-over or the read's end.
    long extra = ((PendingRequest) fs.get(n)).id();
    inbound.onMessage(new Message(0, extra, "a".getBytes()));
    assertThat(fs.get(n)).isNotDone();
    inbound.onReadComplete();
    assertThat(fs.get(n)).isDone();
  }

  @Test
  void aHandOverCompletesWaitingAsyncReads() {
    Reader r = inbound.newReader();
    CompletableFuture<Message> read = r.readAsync();
    for (int i = 0; i < Inbound.HAND_OVER_EVERY - 1; i++) {
      inbound.onMessage(Message.of("m" + i));
    }
    assertThat(read).isNotDone();
    inbound.onMessage(Message.of("last"));
    assertThat(read).isCompleted();
    assertThat(read.join().text()).isEqualTo("m0");
  }
}
