package dev.ftcp.internal.conn;

import dev.ftcp.Message;
import dev.ftcp.internal.Waiters;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write queue: a bounded ring of (message, id) pairs, many producers (application
 * threads), one consumer (the connection's event loop). Nothing is allocated per message.
 *
 * <p>Capacity is counted by permits, not by slots: a producer first takes a permit
 * ({@link #tryAcquire()}), then claims the next slot and publishes into it. Because at most
 * {@code depth} permits are out and the consumer gives permits back only after clearing the
 * slots, a claimed slot is always empty; no producer ever waits on another producer. The
 * consumer stops at the first slot not yet published; that producer schedules a drain after
 * publishing, so nothing is left behind.
 */
final class WriteRing {
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Message[].class);

  private final int depth;
  private final int mask;
  private final Message[] messages;
  private final long[] ids;
  private final AtomicLong tail = new AtomicLong();
  private final AtomicInteger used = new AtomicInteger();
  private final Waiters blockedWriters = new Waiters();
  private long head; // consumer only

  WriteRing(int depth) {
    this.depth = depth;
    int capacity = Integer.highestOneBit(Math.max(1, depth - 1)) << 1;
    this.mask = capacity - 1;
    this.messages = new Message[capacity];
    this.ids = new long[capacity];
  }

  /** Takes a permit for one message, or returns false when {@code depth} are queued. */
  boolean tryAcquire() {
    for (;;) {
      int u = used.get();
      if (u >= depth) {
        return false;
      }
      if (used.compareAndSet(u, u + 1)) {
        return true;
      }
    }
  }

  /** Publishes a message; the caller holds a permit. */
  void publish(Message m, long id) {
    int i = (int) tail.getAndIncrement() & mask;
    ids[i] = id;
    SLOTS.setRelease(messages, i, m);
  }

  /** The next published message, or null. Consumer only. */
  Message peek() {
    return (Message) SLOTS.getAcquire(messages, (int) head & mask);
  }

  /** The id of the message {@link #peek()} returned. Consumer only. */
  long peekId() {
    return ids[(int) head & mask];
  }

  /** Clears the slot {@link #peek()} read. Consumer only; give the permit back with release. */
  void advance() {
    messages[(int) head & mask] = null;
    head++;
  }

  /** Gives back permits of consumed messages and wakes writers blocked on a full ring. */
  void release(int n) {
    if (n > 0) {
      used.addAndGet(-n);
      if (blockedWriters.any()) {
        blockedWriters.wakeAll();
      }
    }
  }

  /** Messages queued or being published now. */
  int size() {
    return used.get();
  }

  Waiters blockedWriters() {
    return blockedWriters;
  }

  /**
   * Empties the ring once the connection is terminal, from whichever thread notices; counts what
   * it drops. Synchronized because, unlike the normal drain, it may run on several threads.
   */
  synchronized int discardAll() {
    int n = 0;
    while (peek() != null) {
      advance();
      n++;
    }
    release(n);
    return n;
  }
}
