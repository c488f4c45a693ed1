package dev.ftcp.redial;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.LockSupport;

/**
 * Small helpers for the blocking calls the redial tests make on threads of their own (the soak
 * test in {@code dev.ftcp.soak} uses them too).
 */
public final class Threads {
  private Threads() {}

  /** Runs {@code task} on a new daemon thread; the future tells its outcome. */
  public static <T> FutureTask<T> start(String name, Callable<T> task) {
    FutureTask<T> f = new FutureTask<>(task);
    Thread t = new Thread(f, name);
    t.setDaemon(true);
    t.start();
    return f;
  }

  /**
   * Lets {@code d} pass. Only for a scenario whose shape is a length of time (an outage that
   * lasts 1 s so that clients go through several redial attempts), never to wait for a
   * condition: that is what Awaitility is for.
   */
  public static void letPass(Duration d) {
    long end = System.nanoTime() + d.toNanos();
    for (long left; (left = end - System.nanoTime()) > 0; ) {
      if (Thread.currentThread().isInterrupted()) {
        throw new IllegalStateException("interrupted"); // @Timeout interrupts a hung test
      }
      LockSupport.parkNanos(left);
    }
  }
}
