package dev.ftcp.internal.conn;

import io.netty.channel.Channel;
import java.util.function.BooleanSupplier;

/**
 * The idle timeout of one server channel: fails it when no whole message has arrived for {@code
 * idleTimeout}. Only whole messages count ({@link #restart()} is called per read that decoded
 * one), so a peer trickling a frame in a byte at a time is as idle as a silent one; time with
 * reading paused by our own full buffers says nothing of the peer, so a check that finds reading
 * paused gives it a whole timeout more, and so does reading's resumption ({@link #restart()}).
 *
 * <p>Cost: one task scheduled at a time, due when the timeout would pass, and a clock read per
 * read that decoded a message. It replaces Netty's {@code IdleStateHandler}, a handler of its
 * own in the pipeline between the decoder and the connection's handler.
 *
 * <p>Event loop only ({@link ChannelTimer}); times by the event loop's ticker (tests move it).
 */
final class IdleWatch extends ChannelTimer {
  private final long timeoutNanos;
  private final BooleanSupplier readingPaused;
  private final Runnable onIdle;
  private long lastHeard;

  /** {@code onIdle} runs on the event loop when the peer was silent too long. */
  IdleWatch(Channel ch, long timeoutNanos, BooleanSupplier readingPaused, Runnable onIdle) {
    super(ch);
    this.timeoutNanos = timeoutNanos;
    this.readingPaused = readingPaused;
    this.onIdle = onIdle;
  }

  /** Starts the watch: the timeout counts from now. */
  void start() {
    lastHeard = now();
    checkIn(timeoutNanos);
  }

  /** A read brought a whole message, or reading resumed after a pause: counts from now. */
  void restart() {
    lastHeard = now();
  }

  @Override
  void check() {
    long left = lastHeard + timeoutNanos - now();
    if (left <= 0) {
      if (!readingPaused.getAsBoolean()) {
        onIdle.run();
        return;
      }
      lastHeard = now();
      left = timeoutNanos;
    }
    checkIn(left);
  }

  private long now() {
    return ch.eventLoop().ticker().nanoTime();
  }
}
