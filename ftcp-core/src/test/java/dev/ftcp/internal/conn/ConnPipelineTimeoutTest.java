package dev.ftcp.internal.conn;

import dev.ftcp.testing.NettyLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.internal.codec.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * The time-outs of a connection's pipeline, on an EmbeddedChannel whose event loop's time stands
 * still until the test moves it: the server's idleTimeout, which counts whole messages only and
 * not time with reading paused, and the writeTimeout, which counts only while data waits.
 */
@Timeout(10)
class ConnPipelineTimeoutTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final InetSocketAddress PEER = InetSocketAddress.createUnresolved("peer", 1);
  private static final Duration IDLE = Duration.ofSeconds(2);

  private final Events events = new Events();
  private EmbeddedChannel ch;

  /** What the pipeline reports to its connection. */
  private static final class Events implements LinkEvents {
    final List<Message> messages = new ArrayList<>();
    volatile boolean paused;
    Throwable closedBy;

    @Override
    public void onReady(Channel ch) {}

    @Override
    public void onMessage(Message m) {
      messages.add(m);
    }

    @Override
    public void onReadComplete() {}

    @Override
    public void onWritable() {}

    @Override
    public void onChannelClosed(Channel ch, Throwable cause) {
      closedBy = cause;
    }

    @Override
    public boolean readingPaused() {
      return paused;
    }
  }

  /** A channel with the pipeline a connection's channel gets, in frozen time. */
  private EmbeddedChannel open(Options options, boolean client) {
    ch = new EmbeddedChannel();
    ch.freezeTime();
    Pipelines.init(ch, options, client, PEER, events);
    return ch;
  }

  private EmbeddedChannel server(Duration idleTimeout) {
    return open(Options.builder().idleTimeout(idleTimeout).writeTimeout(Duration.ZERO).build(),
        false);
  }

  @AfterEach
  void close() {
    if (ch != null) {
      ch.finishAndReleaseAll();
    }
  }

  /**
   * Moves time forward by {@code d}, stopping at each scheduled task's time to run it there (as
   * a real event loop would), so that a task sees the time it was due at, not the end.
   */
  private void advance(Duration d) {
    long left = d.toNanos();
    for (;;) {
      long next = ch.runScheduledPendingTasks(); // nanos until the next task, or -1
      if (left == 0) {
        return;
      }
      long step = next < 0 ? left : Math.min(Math.max(next, 1), left);
      ch.advanceTimeBy(step, TimeUnit.NANOSECONDS);
      left -= step;
    }
  }

  private void advanceMillis(long ms) {
    advance(Duration.ofMillis(ms));
  }

  private static ByteBuf frame(String text) {
    Message m = Message.of(text);
    ByteBuf b = Unpooled.buffer();
    FrameCodec.encode(b, 1, 0, m.data(), FrameCodec.prefixLength(false));
    return b;
  }

  private void assertClosedBy(String timeoutName) {
    assertThat(ch.isOpen()).isFalse();
    assertThat(events.closedBy).isInstanceOf(FtcpTimeoutException.class)
        .hasMessageContaining("(" + timeoutName + ")");
  }

  @Test
  void aSilentPeerIsClosedAfterExactlyIdleTimeout() {
    server(IDLE);
    advance(IDLE.minusNanos(1));
    assertThat(ch.isOpen()).isTrue();
    assertThat(events.closedBy).isNull();
    advance(Duration.ofNanos(1));
    assertClosedBy("idleTimeout");
    assertThat(events.closedBy).hasMessage("no message received for 2 s (idleTimeout)");
  }

  @Test
  void aWholeMessageStartsTheIdleTimeoutAgain() {
    server(IDLE);
    advanceMillis(1_500);
    ch.writeInbound(frame("hello"));
    assertThat(events.messages).extracting(Message::text).containsExactly("hello");
    advanceMillis(1_999); // 3.499 s: 1.999 s after the message
    assertThat(ch.isOpen()).isTrue();
    advanceMillis(1);
    assertClosedBy("idleTimeout");
  }

  @Test
  void aPeerTricklingAFrameInIsAsIdleAsASilentOne() {
    server(IDLE);
    ByteBuf whole = frame("x".repeat(100));
    // One byte every 500 ms, a quarter of idleTimeout: no gap between bytes ever reaches it.
    for (int t = 0; t < 4; t++) {
      ch.writeInbound(whole.readRetainedSlice(1));
      advanceMillis(t < 3 ? 500 : 499);
    }
    assertThat(ch.isOpen()).isTrue();
    advanceMillis(1);
    assertClosedBy("idleTimeout");
    assertThat(events.messages).isEmpty();
    whole.release();
  }

  @Test
  void timeWithReadingPausedDoesNotCloseTheConnection() {
    server(IDLE);
    events.paused = true;
    for (int i = 0; i < 10; i++) {
      advance(IDLE);
    }
    assertThat(ch.isOpen()).as("20 s paused, ten idleTimeouts").isTrue();
    events.paused = false;
    ch.writeInbound(frame("what waited in the kernel"));
    advance(IDLE.minusNanos(1));
    assertThat(ch.isOpen()).isTrue();
    advance(Duration.ofNanos(1));
    assertClosedBy("idleTimeout");
  }

  @Test
  void aPeerSilentAfterReadingResumesGetsAWholeIdleTimeout() {
    server(IDLE);
    events.paused = true;
    advanceMillis(10_500); // checks at 2, 4, ... 10 s found it idle while paused
    events.paused = false;
    Pipelines.readingResumed(ch);
    advance(IDLE.minusNanos(1));
    assertThat(ch.isOpen()).as("a whole idleTimeout after reads resumed").isTrue();
    advance(Duration.ofNanos(1));
    assertClosedBy("idleTimeout");
  }

  @Test
  void aPeerSilentAfterReadingResumesIsClosedWithinIdleTimeout() {
    server(IDLE);
    events.paused = true;
    advanceMillis(10_000);
    events.paused = false;
    assertThat(ch.isOpen()).isTrue();
    advance(IDLE);
    assertClosedBy("idleTimeout");
  }

  @Test
  void aClientHasNoIdleTimeout() {
    open(Options.builder().idleTimeout(Duration.ofSeconds(1)).writeTimeout(Duration.ZERO).build(),
        true);
    assertThat(ch.pipeline().get("idle")).isNull();
    advanceMillis(60_000);
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void noIdleTimeoutByDefault() {
    open(Options.builder().writeTimeout(Duration.ZERO).build(), false);
    assertThat(ch.pipeline().get("idle")).isNull();
    assertThat(ch.pipeline().get("writeTimeout")).isNull();
    advanceMillis(600_000);
    assertThat(ch.isOpen()).isTrue();
  }

  private EmbeddedChannel withWriteTimeout(Duration writeTimeout) {
    return open(Options.builder().writeTimeout(writeTimeout).build(), false);
  }

  @Test
  void writeTimeoutFailsTheChannelWhenDataWaitsThatLong() {
    withWriteTimeout(Duration.ofSeconds(1));
    ch.write(frame("stuck")); // not flushed: it waits in the outbound buffer
    advance(Duration.ofSeconds(1).minusNanos(1));
    assertThat(ch.isOpen()).isTrue();
    advance(Duration.ofNanos(1));
    assertClosedBy("writeTimeout");
    assertThat(events.closedBy).hasMessageContaining("while data waited");
  }

  @Test
  void writeTimeoutIgnoresTimeWithNothingToSend() {
    withWriteTimeout(Duration.ofSeconds(1));
    advanceMillis(30_000);
    assertThat(ch.isOpen()).isTrue();
    ch.writeAndFlush(frame("sent at once"));
    advanceMillis(30_000);
    assertThat(ch.isOpen()).isTrue();
    // Data that begins to wait after a quiet time: failed within two writeTimeouts (the first
    // check after it began to wait sees the buffer change, which counts as progress).
    ch.write(frame("stuck"));
    advanceMillis(999);
    assertThat(ch.isOpen()).isTrue();
    advanceMillis(1_001);
    assertClosedBy("writeTimeout");
  }

  @Test
  void dataThatLeavesBeforeWriteTimeoutFailsNothing() {
    withWriteTimeout(Duration.ofSeconds(1));
    ch.write(frame("slow"));
    advanceMillis(900);
    ch.flush(); // the socket took it
    advanceMillis(10_000);
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void writeTimeoutKeepsNoTimerWhileNothingWaits() {
    withWriteTimeout(Duration.ofSeconds(1));
    assertThat(ch.runScheduledPendingTasks()).isEqualTo(-1); // an idle channel: no timer
    ch.writeAndFlush(frame("sent at once"));
    assertThat(ch.runScheduledPendingTasks()).isPositive(); // one look, a writeTimeout later
    advanceMillis(1_000);
    assertThat(ch.isOpen()).isTrue();
    assertThat(ch.runScheduledPendingTasks()).isEqualTo(-1); // nothing waited: disarmed
  }

  @Test
  void writeTimeoutCountsWhileReadingIsPaused() {
    withWriteTimeout(Duration.ofSeconds(1));
    events.paused = true;
    ch.write(frame("stuck"));
    advanceMillis(1_000);
    assertClosedBy("writeTimeout");
  }
}
