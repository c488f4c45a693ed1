package dev.ftcp.internal.time;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;

/**
 * A {@link Clock} that moves only when a test says so: {@link #advance} runs the tasks that
 * fall due, in order of their time, each on the executor it was scheduled for. Time logic is
 * then tested in test time: a redial backoff of seconds takes microseconds. Thread-safe; tasks
 * run on the thread that advances (or on their executor, if it is not a direct one).
 */
public final class FakeClock implements Clock {
  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.seq));
  private long now = 1_000_000_000L; // an arbitrary start, as System.nanoTime's is
  private long seq;
  private boolean refusing;

  private static final class Task {
    final long due;
    final long seq;
    final Runnable task;
    final Executor runOn;
    volatile boolean cancelled;

    Task(long due, long seq, Runnable task, Executor runOn) {
      this.due = due;
      this.seq = seq;
      this.task = task;
      this.runOn = runOn;
    }
  }

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos, Executor runOn) {
    if (refusing) {
      return null;
    }
    Task t = new Task(now + Math.max(0, delayNanos), seq++, task, runOn);
    tasks.add(t);
    return () -> t.cancelled = true;
  }

  /** From now on, {@link #schedule} refuses, as the real clock does once ftcp shuts down. */
  public synchronized void refuse() {
    refusing = true;
  }

  /**
   * Tasks one {@link #advance} runs at most: beyond it a task keeps scheduling itself without
   * moving forward, which would otherwise hang the test where no timeout can interrupt it.
   */
  static final int MAX_TASKS_PER_ADVANCE = 1_000_000;

  /**
   * Moves time forward by {@code d}, running every task that falls due on the way.
   *
   * @throws IllegalStateException when more than {@link #MAX_TASKS_PER_ADVANCE} tasks fall due
   */
  public void advance(Duration d) {
    long until;
    synchronized (this) {
      until = now + d.toNanos();
    }
    for (int ran = 0; ; ran++) {
      if (ran == MAX_TASKS_PER_ADVANCE) {
        throw new IllegalStateException(MAX_TASKS_PER_ADVANCE + " tasks fell due in one advance: "
            + "a task keeps scheduling itself without a delay");
      }
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due > until) {
          now = until;
          return;
        }
        tasks.poll();
        now = Math.max(now, next.due);
      }
      if (!next.cancelled) {
        next.runOn.execute(next.task);
      }
    }
  }

  /** The delays, from now, of the tasks waiting to run and not cancelled. */
  public synchronized List<Duration> pending() {
    List<Duration> out = new ArrayList<>();
    for (Task t : tasks) {
      if (!t.cancelled) {
        out.add(Duration.ofNanos(t.due - now));
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }
}
