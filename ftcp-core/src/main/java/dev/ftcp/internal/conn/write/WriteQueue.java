package dev.ftcp.internal.conn.write;

import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.internal.IoGroup;
import dev.ftcp.internal.VarHandles;
import dev.ftcp.internal.codec.FrameCodec;
import java.io.IOException;
import java.util.Objects;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The front door of a connection's write path: checks a message, gives it its ID, takes a place
 * for it in the bounded {@link WriteRing} (parking the writer while the ring is full) and has
 * the {@link BatchWriter} drain it. The ring holds {@code writeQueueDepth} messages, so this is
 * where back-pressure reaches the application.
 *
 * <p>Threads: any application thread, several at once; {@code write} never parks on an ftcp I/O
 * thread (it throws instead), {@link #tryWrite} never parks at all. Cost per message: a permit
 * (one compare-and-set), a slot store and, at most once per drain, one task for the event loop.
 */
public final class WriteQueue {
  private static final VarHandle SEQ =
      VarHandles.field(MethodHandles.lookup(), "seq", long.class);

  private final Options options;
  private final WriteHost host;
  private final WriteRing ring;
  private final BatchWriter writer;
  private volatile long seq; // the last ID given

  public WriteQueue(Options options, WriteHost host) {
    this.options = options;
    this.host = host;
    this.ring = new WriteRing(options.writeQueueDepth());
    this.writer = new BatchWriter(ring, host, FrameCodec.prefixLength(options.bigFrames()),
        options.tls() != null, options.resumable());
  }

  /** The batch writer that drains this queue. */
  public BatchWriter writer() {
    return writer;
  }

  /** Queues {@code msg}, parking while the queue is full; returns its ID. See Conn#write. */
  public long write(Message msg) throws IOException {
    check(msg);
    acquire("Conn.write");
    long id = idFor(msg);
    publish(msg, id);
    return id;
  }

  /** Queues {@code msg} when there is room and returns its ID, or -1 when the queue is full. */
  public long tryWrite(Message msg) throws IOException {
    check(msg);
    if (!tryAcquire()) {
      return -1;
    }
    long id = idFor(msg);
    publish(msg, id);
    return id;
  }

  /** The ID {@code msg} goes out with: its own, or the next of the connection's sequence. */
  public long idFor(Message msg) {
    return msg.id() != 0 ? msg.id() : (long) SEQ.getAndAdd(this, 1L) + 1;
  }

  /** Queues a message whose ID is already decided (requests), parking while the queue is full. */
  public void enqueue(Message msg, long id, String call) throws IOException {
    acquire(call);
    publish(msg, id);
  }

  private void publish(Message msg, long id) {
    ring.publish(msg, id);
    writer.schedule();
  }

  /**
   * Refuses what no frame can carry.
   *
   * @throws NullPointerException when {@code msg} is null
   * @throws IllegalArgumentException when an ID is out of range or the payload too long
   */
  public void check(Message msg) {
    Objects.requireNonNull(msg, "msg");
    if (msg.id() < 0 || msg.id() > Message.MAX_ID) {
      throw new IllegalArgumentException("ID " + Long.toUnsignedString(msg.id())
          + " is outside 0..2^56-1, what an 8-byte varint slot holds");
    }
    if (msg.repId() < 0 || msg.repId() > Message.MAX_ID) {
      throw new IllegalArgumentException("RepID " + Long.toUnsignedString(msg.repId())
          + " is outside 0..2^56-1, what an 8-byte varint slot holds");
    }
    if (msg.data().length > options.maxPayloadLength()) {
      throw new IllegalArgumentException("payload of " + msg.data().length
          + " bytes is longer than the " + options.maxPayloadLength()
          + " a frame can carry (maxFrameLength " + options.maxFrameLength() + " - 16)");
    }
  }

  /** Takes a ring permit if one is free; false when the ring is full. */
  private boolean tryAcquire() throws IOException {
    if (!host.acceptsWrites()) {
      throw host.closedException();
    }
    if (!ring.tryAcquire()) {
      return false;
    }
    if (!host.acceptsWrites()) { // closing began meanwhile: close() may not wait for this message
      ring.release(1);
      throw host.closedException();
    }
    return true;
  }

  /**
   * Takes a ring permit, parking while the ring is full. On an ftcp I/O thread (a callback run
   * by a direct callback executor) it does not park: waiting there would keep the event loop
   * from draining the ring it waits for, so a full ring throws instead.
   *
   * @param call the public call, for the error
   */
  private void acquire(String call) throws IOException {
    while (!tryAcquire()) {
      if (IoGroup.onIoThread()) {
        throw new IllegalStateException(call + " would wait for room in the full write queue ("
            + options.writeQueueDepth() + " messages), and it was called on the ftcp I/O thread "
            + Thread.currentThread().getName() + ", which waiting would deadlock; write from an "
            + "application thread, use Conn.tryWrite, or keep fewer messages in flight");
      }
      long deadline = host.writeDeadline();
      if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0) {
        throw new FtcpTimeoutException("write deadline passed while the write queue was full ("
            + options.writeQueueDepth() + " messages)");
      }
      ring.blockedWriters().parkUntil(() -> ring.size() >= options.writeQueueDepth()
          && host.acceptsWrites() && deadline == host.writeDeadline(), deadline, this,
          "room in the write queue");
    }
  }

  /** Wakes writers parked on a full queue, to look at the connection again. */
  public void wakeBlockedWriters() {
    ring.wakeBlockedWriters();
  }

  /** Messages queued and not yet taken by a drain. */
  public int size() {
    return ring.size();
  }
}
