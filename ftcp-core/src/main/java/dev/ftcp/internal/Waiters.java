package dev.ftcp.internal;

import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Threads parked until some condition may have changed: writers waiting for queue space,
 * readers waiting for a message, callers of {@code accept}. The side that changes the
 * condition calls {@link #wakeAll()} after changing it; a waiter registers before its last
 * check of the condition, so no wake-up is lost (both sides use sequentially consistent
 * operations: the waiter's add and the changer's state update, then each reads the other's).
 *
 * <p>Lock-free: waking never blocks, so the event loop may call it. Thread-safe. Costs 24 bytes
 * until a thread first waits (every connection has some, and most never wait), then a queue.
 */
public final class Waiters {
  private static final VarHandle COUNT =
      VarHandles.field(MethodHandles.lookup(), "count", int.class);
  private static final VarHandle PARKED =
      VarHandles.field(MethodHandles.lookup(), "parked", ConcurrentLinkedQueue.class);

  private volatile int count; // read on every hot-path check
  private volatile ConcurrentLinkedQueue<Thread> parked; // made by the first waiter

  /** Registers the current thread; call {@link #remove()} when done waiting. */
  public void add() {
    COUNT.getAndAdd(this, 1); // first, so that any() never misses a registered thread
    queue().add(Thread.currentThread());
  }

  public void remove() {
    queue().remove(Thread.currentThread());
    COUNT.getAndAdd(this, -1);
  }

  @SuppressWarnings("unchecked")
  private ConcurrentLinkedQueue<Thread> queue() {
    ConcurrentLinkedQueue<Thread> q = parked;
    if (q == null) {
      ConcurrentLinkedQueue<Thread> fresh = new ConcurrentLinkedQueue<>();
      q = (ConcurrentLinkedQueue<Thread>) PARKED.compareAndExchange(this, null, fresh);
      if (q == null) {
        q = fresh;
      }
    }
    return q;
  }

  /** True when some thread is registered: one volatile read. */
  public boolean any() {
    return count != 0;
  }

  /** Unparks every registered thread; each rechecks its condition. */
  public void wakeAll() {
    ConcurrentLinkedQueue<Thread> q = parked;
    if (q != null) {
      for (Thread t : q) {
        LockSupport.unpark(t);
      }
    }
  }

  /**
   * One wait of a blocking call: registers the current thread, parks it while
   * {@code stillWaiting} holds (checked after registering, so no wake-up is lost) until it is
   * woken or the deadline passes, and unregisters. The caller loops and rechecks its condition.
   *
   * @throws InterruptedIOException when the thread was interrupted (the flag stays set)
   */
  public void parkUntil(BooleanSupplier stillWaiting, long deadlineNanos, Object blocker,
      String waitingFor) throws InterruptedIOException {
    add();
    try {
      if (stillWaiting.getAsBoolean()) {
        park(blocker, deadlineNanos);
      }
    } finally {
      remove();
    }
    if (Thread.interrupted()) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + waitingFor);
    }
  }

  /**
   * Parks the current thread (registered by {@link #add()}) until woken, interrupted, or the
   * deadline (a {@link System#nanoTime()} value; {@link Long#MAX_VALUE} for none) passes.
   */
  private static void park(Object blocker, long deadlineNanos) {
    if (deadlineNanos == Long.MAX_VALUE) {
      LockSupport.park(blocker);
    } else {
      long left = deadlineNanos - System.nanoTime();
      if (left > 0) {
        LockSupport.parkNanos(blocker, left);
      }
    }
  }
}
