package dev.ftcp.bench.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends frames as fast as the channel takes them, the way a Netty user writes a fast producer:
 * on the channel's event loop, writing while the channel is writable, flushing every
 * {@link #BATCH} frames, pausing when the outbound buffer passes its high-water mark and going
 * on when {@code channelWritabilityChanged} says it drained. After a few batches it yields to
 * the event loop, so reads and other channels on the same loop are served.
 *
 * <p>Two ways to encode: one buffer per frame (the common way: an encoder or a loop of
 * {@code write(buf)}), or each batch of frames into one buffer (what a hand-tuned producer does;
 * about the limit of one connection). Used only on its channel's event loop, except {@link #stop()}.
 */
public final class FramePump extends ChannelInboundHandlerAdapter implements Runnable {
  /** Frames per flush. */
  public static final int BATCH = 64;
  /** Batches written before yielding to the event loop. */
  private static final int BATCHES_PER_TURN = 16;

  private final byte[] payload;
  private final boolean batchEncoded;
  private final int frameSize;
  private Channel channel;
  private long nextId = 1;
  private volatile boolean running = true;
  /** A run of this pump is queued on the event loop: never queue a second one. */
  private boolean scheduled;

  public FramePump(byte[] payload, boolean batchEncoded) {
    this.payload = payload;
    this.batchEncoded = batchEncoded;
    this.frameSize = RawFraming.frameSize(payload.length);
  }

  /** Begins pumping on {@code ch}'s event loop (after a TLS handshake, if any). */
  public void start(Channel ch) {
    ch.eventLoop().execute(() -> {
      channel = ch;
      schedule();
    });
  }

  /** Stops pumping at its next turn; writes already queued fail quietly when it closes. */
  public void stop() {
    running = false;
  }

  /** Stops the pump and closes its channel, waiting for the close. */
  public void stopAndClose(Channel ch) {
    stopAndClose(List.of(this), List.of(ch));
  }

  /**
   * Stops all the pumps first, then closes all the channels, then waits: closing one at a time
   * would wait, for each, behind the turns of all the others still pumping on the same loop.
   */
  public static void stopAndClose(List<FramePump> pumps, List<Channel> channels) {
    pumps.forEach(FramePump::stop);
    List<ChannelFuture> closed = new ArrayList<>(channels.size());
    for (Channel ch : channels) {
      closed.add(ch.close());
    }
    for (ChannelFuture f : closed) {
      f.awaitUninterruptibly();
    }
  }

  @Override
  public void run() {
    scheduled = false;
    Channel ch = channel;
    if (!running || !ch.isActive()) {
      return;
    }
    for (int i = 0; i < BATCHES_PER_TURN && ch.isWritable(); i++) {
      writeBatch(ch);
      ch.flush();
    }
    if (ch.isWritable()) {
      schedule(); // yield to I/O and other channels, then go on
    }
    // Otherwise channelWritabilityChanged resumes us once the socket drained.
  }

  private void schedule() {
    if (!scheduled) {
      scheduled = true;
      channel.eventLoop().execute(this);
    }
  }

  private void writeBatch(Channel ch) {
    if (batchEncoded) {
      ByteBuf buf = ch.alloc().directBuffer(frameSize * BATCH);
      for (int i = 0; i < BATCH; i++) {
        RawFraming.encode(buf, nextId++, 0, payload);
      }
      ch.write(buf, ch.voidPromise());
    } else {
      for (int i = 0; i < BATCH; i++) {
        ByteBuf buf = ch.alloc().directBuffer(frameSize);
        RawFraming.encode(buf, nextId++, 0, payload);
        ch.write(buf, ch.voidPromise());
      }
    }
  }

  /**
   * Writes still queued when the channel closes fail, and with a void promise each failure is an
   * exception event: expected at the end of a run, so not reported.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof ClosedChannelException)) {
      ctx.fireExceptionCaught(cause);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // Not run() inline: a flush inside run() can fire this event, and pumping must not nest.
    if (ctx.channel().isWritable() && channel != null && running) {
      schedule();
    }
    ctx.fireChannelWritabilityChanged();
  }
}
