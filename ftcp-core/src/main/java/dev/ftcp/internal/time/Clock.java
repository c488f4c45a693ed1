package dev.ftcp.internal.time;

import java.util.concurrent.Executor;

/**
 * Time as a connection's timers see it: a monotonic reading and delayed tasks. The redial
 * backoff and give-up, the proven-link rule, the close linger and the asynchronous requests'
 * timeouts go through one, so tests drive them with a fake in test time instead of waiting on
 * the wall clock. Deadlines of calls that park a thread (read, write, accept, a synchronous
 * request) are {@link System#nanoTime()} readings instead, as those threads park in real time;
 * idle and write timeouts are Netty's, on the channel's event loop. Implementations are
 * thread-safe.
 */
public interface Clock {
  /** A monotonic reading in nanoseconds, comparable only with other readings of this clock. */
  long nanoTime();

  /**
   * Runs {@code task} on {@code runOn} once {@code delayNanos} have passed. A task scheduled on
   * an event loop runs on it; on any other executor it is handed over from the timer thread, so
   * a direct executor runs it on the timer thread, where it must be brief and never block.
   *
   * @return a handle to cancel the task, or {@code null} when the clock takes no more tasks (ftcp
   *     is shutting down: every connection has ended)
   */
  Cancellable schedule(Runnable task, long delayNanos, Executor runOn);

  /** A task that has been scheduled. */
  @FunctionalInterface
  interface Cancellable {
    /** Keeps the task from running if it has not started; does nothing otherwise. */
    void cancel();
  }
}
