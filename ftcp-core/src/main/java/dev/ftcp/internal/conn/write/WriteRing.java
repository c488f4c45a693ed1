package dev.ftcp.internal.conn.write;

import dev.ftcp.Message;
import dev.ftcp.internal.VarHandles;
import dev.ftcp.internal.Waiters;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The write queue: a bounded ring of (message, id) pairs, many producers (application
 * threads), one consumer (the connection's event loop). Nothing is allocated per message;
 * slots come in chunks allocated on first use, and the table of chunks with the first write, so
 * a connection that never wrote holds neither, and an idle one one small chunk rather than
 * {@code writeQueueDepth} slots.
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
  private static final VarHandle CHUNKS = MethodHandles.arrayElementVarHandle(Chunk[].class);
  private static final VarHandle TABLE =
      VarHandles.field(MethodHandles.lookup(), "chunks", Chunk[].class);
  private static final VarHandle TAIL =
      VarHandles.field(MethodHandles.lookup(), "tail", long.class);
  private static final VarHandle USED =
      VarHandles.field(MethodHandles.lookup(), "used", int.class);
  private static final VarHandle WAITERS =
      VarHandles.field(MethodHandles.lookup(), "blockedWriters", Waiters.class);

  /** Slots are allocated this many at a time, when first needed: idle connections stay small. */
  private static final int CHUNK = 32;

  /** A run of slots; allocated once by whichever producer first needs it, never freed. */
  private static final class Chunk {
    final Message[] messages;
    final long[] ids;

    Chunk(int size) {
      messages = new Message[size];
      ids = new long[size];
    }
  }

  private final int depth;
  private final int mask;
  private final int chunkShift;
  private final int chunkMask;
  private volatile Chunk[] chunks; // null until the first publish
  private volatile long tail;
  private volatile int used;
  private volatile Waiters blockedWriters; // made by the first writer that waits
  private long head; // consumer only

  WriteRing(int depth) {
    this.depth = depth;
    int capacity = Integer.highestOneBit(Math.max(1, depth - 1)) << 1;
    int chunkSize = Math.min(CHUNK, capacity);
    this.mask = capacity - 1;
    this.chunkShift = Integer.numberOfTrailingZeros(chunkSize);
    this.chunkMask = chunkSize - 1;
  }

  /** The table of chunks, allocating it on first use (producers only). */
  private Chunk[] table() {
    Chunk[] t = chunks;
    if (t == null) {
      Chunk[] fresh = new Chunk[(mask >>> chunkShift) + 1];
      t = (Chunk[]) TABLE.compareAndExchange(this, null, fresh);
      if (t == null) {
        t = fresh;
      }
    }
    return t;
  }

  /** The chunk holding slot {@code i}, allocating it on first use (producers only). */
  private Chunk chunkFor(int i) {
    int k = i >>> chunkShift;
    Chunk[] chunks = table();
    Chunk c = (Chunk) CHUNKS.getAcquire(chunks, k);
    if (c == null) {
      Chunk fresh = new Chunk(chunkMask + 1);
      Chunk won = (Chunk) CHUNKS.compareAndExchange(chunks, k, null, fresh);
      c = won == null ? fresh : won;
    }
    return c;
  }

  /** Takes a permit for one message, or returns false when {@code depth} are queued. */
  boolean tryAcquire() {
    for (;;) {
      int u = used;
      if (u >= depth) {
        return false;
      }
      if (USED.compareAndSet(this, u, u + 1)) {
        return true;
      }
    }
  }

  /**
   * Publishes a message; the caller holds a permit. The store is volatile, not just release:
   * the caller next reads whether a drain is already scheduled, and that read must not be
   * ordered before this store (x86 lets a load pass an earlier plain store). Otherwise the
   * event loop's drain, clearing the flag and then finding this slot still empty, and the
   * writer, seeing the flag still set, would each leave the message to the other: it would wait
   * in the ring until the next write on the connection.
   */
  void publish(Message m, long id) {
    int i = (int) (long) TAIL.getAndAdd(this, 1L) & mask;
    Chunk c = chunkFor(i);
    int j = i & chunkMask;
    c.ids[j] = id;
    SLOTS.setVolatile(c.messages, j, m);
  }

  /** The next published message, or null. Consumer only. */
  Message peek() {
    Chunk[] chunks = this.chunks;
    if (chunks == null) {
      return null;
    }
    int i = (int) head & mask;
    Chunk c = (Chunk) CHUNKS.getAcquire(chunks, i >>> chunkShift);
    return c == null ? null : (Message) SLOTS.getAcquire(c.messages, i & chunkMask);
  }

  /** The id of the message {@link #peek()} returned. Consumer only. */
  long peekId() {
    int i = (int) head & mask;
    return chunks[i >>> chunkShift].ids[i & chunkMask];
  }

  /** Clears the slot {@link #peek()} read. Consumer only; give the permit back with release. */
  void advance() {
    int i = (int) head & mask;
    chunks[i >>> chunkShift].messages[i & chunkMask] = null;
    head++;
  }

  /** Gives back permits of consumed messages and wakes writers blocked on a full ring. */
  void release(int n) {
    if (n > 0) {
      USED.getAndAdd(this, -n);
      Waiters w = blockedWriters;
      if (w != null && w.any()) {
        w.wakeAll();
      }
    }
  }

  /** Messages queued or being published now. */
  int size() {
    return used;
  }

  /** The writers waiting for room; made by the first call (a writer about to wait). */
  Waiters blockedWriters() {
    Waiters w = blockedWriters;
    if (w == null) {
      Waiters fresh = new Waiters();
      w = (Waiters) WAITERS.compareAndExchange(this, null, fresh);
      if (w == null) {
        w = fresh;
      }
    }
    return w;
  }

  /** Wakes the writers waiting for room, if any. */
  void wakeBlockedWriters() {
    Waiters w = blockedWriters;
    if (w != null) {
      w.wakeAll();
    }
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
