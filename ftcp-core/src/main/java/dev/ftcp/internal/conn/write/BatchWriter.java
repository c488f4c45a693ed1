package dev.ftcp.internal.conn.write;

import dev.ftcp.Message;
import dev.ftcp.internal.VarHandles;
import dev.ftcp.internal.codec.FrameCodec;
import dev.ftcp.internal.tls.TlsHandlers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves queued messages from the {@link WriteRing} to the socket: batches of frames encoded into
 * one buffer each (under TLS one record each), one flush per drain, and the accounting that
 * makes a broken link lose nothing the kernel did not take whole ({@link PendingWrites}: what
 * the kernel took is forgotten, the rest is sent again first on the next channel).
 *
 * <p>Threads: {@link #schedule} from any thread (a writer after publishing); everything else on
 * the connection's event loop. Cost: per drain one task at most, however many writers publish
 * meanwhile, and one flush; per batch (up to 32 KiB or 1,024 messages; with TLS up to one
 * record, 16,128 bytes) one buffer, one progressive promise and its listener; nothing per
 * message but the encoding.
 */
public final class BatchWriter implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  /** A batch is cut at this many bytes or messages: big enough to amortize, small enough to pipeline. */
  static final int BATCH_BYTES = 32 * 1024;
  /**
   * With TLS a batch must fit one TLS record; the SslHandler wraps each written buffer on its
   * own ({@link TlsHandlers}), so each batch is one record and no record holds parts of two. A
   * record reaches the peer whole or not at all, so a failed batch was not delivered and
   * resending it duplicates nothing.
   */
  static final int TLS_BATCH_BYTES = TlsHandlers.RECORD_WRITE_BYTES;
  static final int BATCH_MESSAGES = 1024;
  private static final VarHandle DRAIN_SCHEDULED =
      VarHandles.field(MethodHandles.lookup(), "drainScheduled", boolean.class);
  private static final VarHandle DISCARDED =
      VarHandles.field(MethodHandles.lookup(), "discarded", long.class);

  private final WriteRing ring;
  private final WriteHost host;
  private final int prefix;
  private final int batchBytes;
  private volatile boolean drainScheduled;
  private final PendingWrites pending = new PendingWrites(); // event loop
  private boolean batchFailedOnChannel; // event loop
  private int drainDepth; // event loop: 1 in a drain, 2 in one run from inside its flush
  private int unreleased; // event loop: taken by the drains running, permits not yet returned
  // Resumable sessions: a message is forgotten, and its permit returned, when the peer
  // acknowledges it, not when the kernel takes it.
  private final boolean resumable;
  private long acked; // event loop: messages of the session the peer has acknowledged
  private boolean controlWritten; // event loop: a control frame waits for the next flush
  private ByteBuf ackDue; // event loop: an ACK that goes out with the next drain

  // Counters: written by the event loop only (discarded also by threads that find the end).
  private volatile long messagesOut;
  private volatile long bytesOut;
  private volatile long discarded;
  private volatile long resent;

  BatchWriter(WriteRing ring, WriteHost host, int prefix, boolean tls, boolean resumable) {
    this.ring = ring;
    this.host = host;
    this.prefix = prefix;
    this.resumable = resumable;
    this.batchBytes = tls ? TLS_BATCH_BYTES : BATCH_BYTES;
  }

  /**
   * Any thread: makes sure a drain runs soon. Once a drain is scheduled, writers that publish
   * before it ends schedule nothing (no task, no wake-up of the loop per message).
   */
  void schedule() {
    if (!drainScheduled && DRAIN_SCHEDULED.compareAndSet(this, false, true)) {
      if (!host.runOnLoop(this)) {
        drainScheduled = false;
        discardQueued();
      }
    }
  }

  /**
   * Event loop: the drain task writers schedule. The flag stays set while it runs; clearing it
   * at the end and then looking at the ring once more picks up what writers published meanwhile.
   * A writer that publishes after that look finds the flag clear and schedules the next task.
   * What is found on that look is drained by a new task, so one busy connection cannot keep its
   * event loop from the others.
   */
  @Override
  public void run() {
    try {
      drain();
    } finally {
      drainScheduled = false; // volatile: ordered before the look at the ring below
    }
    // Queued from the loop itself, so no wake-up; refused only while ftcp shuts down.
    if (ring.peek() != null && drainWouldProgress()
        && DRAIN_SCHEDULED.compareAndSet(this, false, true) && !host.runOnLoop(this)) {
      drainScheduled = false;
    }
  }

  /** Event loop: drains now if writers are waiting for a drain (the task stays queued). */
  public void drainIfScheduled() {
    if (drainScheduled) {
      drain();
    }
  }

  /**
   * Event loop: whether a drain now would do something with what is in the ring: write it, or
   * discard it once the connection has ended. Otherwise whatever ends the wait drains (the
   * channel becoming ready or writable again).
   */
  private boolean drainWouldProgress() {
    if (host.ended()) {
      return true;
    }
    Channel ch = host.channel();
    return ch != null && mayWriteOn(ch);
  }

  /**
   * Event loop: whether a batch may be written on {@code ch} now. Not after a write on it failed
   * (the channel is broken and being closed, see batchDone: writing on would fail at once again,
   * and forever if the channel still looks writable), nor once close() has ended our direction.
   */
  private boolean mayWriteOn(Channel ch) {
    return !batchFailedOnChannel && !host.outputShut() && ch.isWritable();
  }

  /** Event loop: a new channel is ready; what waits goes out on it, the resent frames first. */
  public void channelReady() {
    batchFailedOnChannel = false;
    drain();
  }

  /**
   * Event loop: moves queued messages to the socket in batches, one flush at the end. Also
   * called when the channel is ready or has room again, which Netty may report from inside this
   * drain's flush: that inner drain writes and flushes too, and the outer one returns the write
   * queue's permits of both.
   */
  public void drain() {
    if (host.ended()) {
      discardQueued();
      return;
    }
    Channel ch = host.channel();
    if (ch == null) {
      return; // dialing: the ring keeps what was written
    }
    if (ackDue != null && !host.outputShut()) {
      ByteBuf ack = ackDue;
      ackDue = null;
      ch.write(ack, ch.voidPromise());
      controlWritten = true;
    }
    boolean wrote = false;
    // Taken from the ring in this drain. Their permits go back once, after the flush hands the
    // batches to the socket: a writer parked on a full queue then wakes once per drain instead
    // of once per batch (a batch is about 30 messages of 1 KiB, and a writer faster than the
    // socket would wake, refill that much and park again for each one). A drain run from inside
    // this drain's flush (the socket took enough for the channel to be writable again) leaves
    // its permits to the outer one, so that a flush wakes the writer once, not once per turn.
    int taken = 0;
    drainDepth++;
    try {
      while (mayWriteOn(ch)) {
        int start = pending.written();
        int count = 0;
        int bytes = 0;
        int unwritten = pending.unwritten();
        while (count < unwritten && count < BATCH_MESSAGES) {
          int size = FrameCodec.frameSize(pending.message(start + count).data().length, prefix);
          if (count > 0 && bytes + size > batchBytes) {
            break;
          }
          bytes += size;
          count++;
        }
        if (count == unwritten) {
          while (count < BATCH_MESSAGES) {
            Message m = ring.peek();
            if (m == null) {
              break;
            }
            int size = FrameCodec.frameSize(m.data().length, prefix);
            if (count > 0 && bytes + size > batchBytes) {
              break;
            }
            pending.add(m, ring.peekId());
            ring.advance();
            taken++;
            count++;
            bytes += size;
          }
        }
        if (count == 0) {
          break;
        }
        ByteBuf buf = ch.alloc().ioBuffer(bytes);
        for (int k = 0; k < count; k++) {
          Message m = pending.message(start + k);
          FrameCodec.encode(buf, pending.id(start + k), m.repId(), m.data(), prefix);
        }
        pending.markWritten(count);
        ch.write(buf, ch.newProgressivePromise().addListener(new Batch(ch, count, bytes)));
        wrote = true;
      }
      if (wrote || controlWritten) {
        controlWritten = false;
        ch.flush();
      }
    } finally {
      drainDepth--;
      if (!resumable) {
        unreleased += taken;
        if (drainDepth == 0) {
          ring.release(unreleased);
          unreleased = 0;
        }
      }
    }
    host.afterWrite();
  }

  /** A batch written as one buffer; its promise tells how far the kernel took it. */
  private final class Batch implements ChannelProgressiveFutureListener {
    private final Channel ch;
    private final int count;
    private final int bytes;
    private long progress;

    Batch(Channel ch, int count, int bytes) {
      this.ch = ch;
      this.count = count;
      this.bytes = bytes;
    }

    @Override
    public void operationProgressed(ChannelProgressiveFuture f, long progress, long total) {
      this.progress = progress;
    }

    @Override
    public void operationComplete(ChannelProgressiveFuture f) {
      if (f.isSuccess()) {
        batchSent(count, bytes);
      } else {
        batchFailed(ch, count, progress, f.cause());
      }
      host.afterWrite();
    }
  }

  private void batchSent(int count, int bytes) {
    if (!resumable) {
      pending.confirm(count);
    }
    messagesOut += count;
    bytesOut += bytes;
  }

  /**
   * Frames the kernel took whole before the link broke count as sent (TCP may still lose them);
   * the rest, starting with a frame cut in the middle, go again after a redial. Only the oldest
   * failed batch on a channel can have progress, and it is the oldest in pending.
   */
  private void batchFailed(Channel ch, int count, long progress, Throwable cause) {
    int sent = 0;
    if (resumable) {
      sent = count; // stays written: the next link's handshake says what the peer received
    } else if (!batchFailedOnChannel && progress > 0) {
      sent = pending.takenWhole(count, progress, prefix);
      long sentBytes = pending.frameBytes(sent, prefix);
      pending.confirm(sent);
      messagesOut += sent;
      bytesOut += sentBytes;
    }
    batchFailedOnChannel = true;
    pending.unmarkWritten(count - sent);
    if (ch.isOpen()) {
      // Usually the channel is closing already; if not (an SSLEngine that refuses to write),
      // closing it is what turns this failure into a redial instead of a stuck connection.
      log.debug("a write to {} failed, closing the channel: {}", ch.remoteAddress(),
          String.valueOf(cause));
      ch.close();
    }
  }

  /**
   * Event loop, resumable sessions: the peer has received {@code total} messages of the
   * session; they are forgotten and their places in the write queue freed. A count below an
   * earlier one is stale and changes nothing. False, changing nothing, when the count is beyond
   * what was sent.
   */
  public boolean acked(long total) {
    long n = total - acked;
    if (n > pending.written()) {
      return false;
    }
    if (n < 0) {
      return true; // an ACK sent before a handshake that carried a later count
    }
    if (n > 0) {
      pending.confirm((int) n);
      acked = total;
      ring.release((int) n);
      host.afterWrite();
    }
    return true;
  }

  /**
   * Event loop, resumable sessions, before a resumed session goes on over a new channel: the
   * peer has received {@code peerReceived} messages of it; those are forgotten and the rest of
   * what was sent goes again, first. False, changing nothing, when the count cannot be ours.
   */
  public boolean resume(long peerReceived) {
    if (peerReceived < acked || !acked(peerReceived)) {
      return false;
    }
    sendAgain();
    return true;
  }

  /**
   * Event loop, resumable sessions: the peer lost the session and a new one begins; every
   * message not acknowledged goes again, first. Returns how many had been sent before.
   */
  public long restart() {
    acked = 0;
    ackWithNextDrain(null);
    return sendAgain();
  }

  private long sendAgain() {
    int again = pending.written();
    pending.unmarkWritten(again);
    resent += again;
    return again;
  }

  /**
   * Event loop: an ACK to go out with the next drain, ahead of its data, replacing one that
   * waits (a later count covers an earlier one). Whoever sets it makes sure a drain comes.
   */
  public void ackWithNextDrain(ByteBuf ack) { // null: none
    if (ackDue != null) {
      ackDue.release();
    }
    ackDue = ack;
  }

  /** Event loop: whether an ACK waits for the next drain. */
  public boolean ackWaiting() {
    return ackDue != null;
  }

  /** Messages of a resumable session sent again (after a resume or a lost session). */
  public long resent() {
    return resent;
  }

  /** Whether nothing is queued or waiting for the kernel to take it. */
  public boolean isIdle() {
    return ring.size() == 0 && pending.isEmpty();
  }

  /** Drops what is queued, counting it as discarded (the connection has ended). */
  void discardQueued() {
    int n = ring.discardAll();
    if (n > 0) {
      DISCARDED.getAndAdd(this, (long) n);
    }
  }

  /** Event loop, or any thread once the connection has ended: drops everything, counted. */
  public void discardAll() {
    if (ackDue != null) {
      ackDue.release();
      ackDue = null;
    }
    int dropped = pending.clear();
    if (dropped > 0) {
      DISCARDED.getAndAdd(this, (long) dropped);
    }
    discardQueued();
  }

  public long messagesOut() {
    return messagesOut;
  }

  public long bytesOut() {
    return bytesOut;
  }

  public long discarded() {
    return discarded;
  }
}
