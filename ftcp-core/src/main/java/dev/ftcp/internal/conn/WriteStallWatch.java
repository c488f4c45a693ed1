package dev.ftcp.internal.conn;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;

/**
 * The write timeout of one channel: fails it when data waits in its outbound buffer and the
 * socket takes no byte of it for {@code writeTimeout}. A write arms one check, {@code
 * writeTimeout} later; the check disarms when nothing waits, fails the channel when the buffer
 * stands where the previous look saw it (the same message at the same progress: the socket took
 * no byte), and otherwise looks again {@code writeTimeout} later. A stall is thus caught between
 * one and two {@code writeTimeout}s after the socket's last byte.
 *
 * <p>Costs nothing while the channel is quiet: no scheduled task, no object (its handler makes
 * one at the first write). A busy channel has one task scheduled per {@code writeTimeout}, and
 * each write a field test. Netty's {@code IdleStateHandler}, used before, kept a scheduled task
 * per channel for good and put a listener on every write's promise.
 *
 * <p>Event loop only ({@link ChannelTimer}).
 */
final class WriteStallWatch extends ChannelTimer {
  private final long timeoutNanos;
  private final Runnable onStall;
  private boolean armed;
  private Object seenMessage; // the outbound buffer's current message at the last look
  private long seenProgress;

  /** {@code onStall} runs on the event loop when the socket took nothing for too long. */
  WriteStallWatch(Channel ch, long timeoutNanos, Runnable onStall) {
    super(ch);
    this.timeoutNanos = timeoutNanos;
    this.onStall = onStall;
  }

  /** After a write reached the outbound buffer: checks in {@code writeTimeout} unless armed. */
  void written() {
    if (!armed) {
      armed = true;
      look();
      checkIn(timeoutNanos);
    }
  }

  @Override
  void check() {
    ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
    if (out == null || out.totalPendingWriteBytes() == 0) {
      armed = false;
      return;
    }
    if (out.current() == seenMessage && out.currentProgress() == seenProgress) {
      armed = false;
      onStall.run();
      return;
    }
    look();
    checkIn(timeoutNanos);
  }

  private void look() {
    ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
    seenMessage = out == null ? null : out.current();
    seenProgress = out == null ? 0 : out.currentProgress();
  }
}
