package dev.ftcp.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on an underlying executor: how a
 * connection's application callbacks keep their order without a thread of their own.
 * A task that throws is logged and does not stop later tasks. Thread-safe. Costs 24 bytes until
 * its first task (every connection has one, for events most never have), then a queue.
 */
public final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
  private static final VarHandle RUNNING =
      VarHandles.field(MethodHandles.lookup(), "running", boolean.class);
  private static final VarHandle TASKS =
      VarHandles.field(MethodHandles.lookup(), "tasks", ConcurrentLinkedQueue.class);

  private final Executor delegate;
  private volatile ConcurrentLinkedQueue<Runnable> tasks; // made by the first task
  private volatile boolean running;

  public SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void execute(Runnable task) {
    ConcurrentLinkedQueue<Runnable> q = tasks;
    if (q == null) {
      ConcurrentLinkedQueue<Runnable> fresh = new ConcurrentLinkedQueue<>();
      q = (ConcurrentLinkedQueue<Runnable>) TASKS.compareAndExchange(this, null, fresh);
      if (q == null) {
        q = fresh;
      }
    }
    q.add(task);
    schedule(q);
  }

  private void schedule(ConcurrentLinkedQueue<Runnable> q) {
    if (!q.isEmpty() && RUNNING.compareAndSet(this, false, true)) {
      delegate.execute(() -> runAll(q));
    }
  }

  private void runAll(ConcurrentLinkedQueue<Runnable> q) {
    try {
      Runnable r;
      while ((r = q.poll()) != null) {
        try {
          r.run();
        } catch (RuntimeException | Error e) {
          log.warn("an ftcp callback threw", e);
        }
      }
    } finally {
      running = false;
      schedule(q); // a task added after the last poll and before the flag cleared
    }
  }
}
