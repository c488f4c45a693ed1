package dev.ftcp.internal.time;

import dev.ftcp.internal.IoGroup;
import io.netty.util.Timeout;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real clock: {@link System#nanoTime()}, an event loop's own scheduler for tasks that run on
 * it (redial, linger: exact, and no hand-over), and the shared wheel timer of {@link IoGroup} for
 * the rest (request timeouts: one tick, 10 ms, of slack, and a wheel slot instead of a heap entry
 * per connection). Stateless and thread-safe.
 */
public final class SystemClock implements Clock {
  public static final SystemClock INSTANCE = new SystemClock();

  private SystemClock() {}

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos, Executor runOn) {
    if (runOn instanceof ScheduledExecutorService) {
      try {
        ScheduledFuture<?> f = ((ScheduledExecutorService) runOn)
            .schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
      } catch (RejectedExecutionException e) {
        return null;
      }
    }
    Timeout t = IoGroup.schedule(timeout -> runOn.execute(task), delayNanos);
    return t == null ? null : t::cancel;
  }
}
