package dev.ftcp.internal.conn;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;

/**
 * A timer of one channel, scheduled on the channel's event loop, one task at a time: the write
 * and idle timeouts ({@link WriteStallWatch}, {@link IdleWatch}). A check that fires on a loop
 * the channel has left (a resumed server channel moves loop) hands itself to the channel's
 * loop; one that fires after the channel closed does nothing. Event loop only.
 */
abstract class ChannelTimer implements Runnable {
  final Channel ch;

  ChannelTimer(Channel ch) {
    this.ch = ch;
  }

  /** Runs {@link #check()} on the channel's loop in {@code nanos}. */
  final void checkIn(long nanos) {
    ch.eventLoop().schedule(this, nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public final void run() {
    EventLoop loop = ch.eventLoop();
    if (!loop.inEventLoop()) {
      loop.execute(this);
    } else if (ch.isOpen()) {
      check();
    }
  }

  /** Event loop, channel open: the timer is due. */
  abstract void check();
}
