package dev.ftcp.internal;

import java.io.InterruptedIOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Threads parked until some condition may have changed: writers waiting for queue space,
 * readers waiting for a message, callers of {@code accept}. The side that changes the
 * condition calls {@link #wakeAll()} after changing it; a waiter registers before its last
 * check of the condition, so no wake-up is lost (both sides use sequentially consistent
 * operations: the waiter's add and the changer's state update, then each reads the other's).
 *
 * <p>Lock-free: waking never blocks, so the event loop may call it. Thread-safe.
 */
public final class Waiters {
  private final ConcurrentLinkedQueue<Thread> parked = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger(); // read on every hot-path check

  /** Registers the current thread; call {@link #remove()} when done waiting. */
  public void add() {
    count.incrementAndGet(); // first, so that any() never misses a registered thread
    parked.add(Thread.currentThread());
  }

  public void remove() {
    parked.remove(Thread.currentThread());
    count.decrementAndGet();
  }

  /** True when some thread is registered: one volatile read. */
  public boolean any() {
    return count.get() != 0;
  }

  /** Unparks every registered thread; each rechecks its condition. */
  public void wakeAll() {
    for (Thread t : parked) {
      LockSupport.unpark(t);
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
