package dev.ftcp.internal.conn.request;

import dev.ftcp.ConnectionClosedException;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.internal.IoGroup;
import dev.ftcp.internal.VarHandles;
import dev.ftcp.internal.conn.write.WriteHost;
import dev.ftcp.internal.conn.write.WriteQueue;
import dev.ftcp.internal.time.Clock;
import dev.ftcp.internal.time.Deadlines;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A connection's requests: the in-flight table, matching replies to it, the timeouts of
 * asynchronous requests (one sweep at a time per connection, not a timer per request), the
 * memory of timed-out IDs that recognizes late replies, and failing what is left when the
 * connection ends. A request's message is queued on the connection's {@link WriteQueue} after
 * the request is in flight, so that no reply can come before it is.
 *
 * <p>Threads: {@link #request} and {@link #requestAsync} run on the caller's thread;
 * {@link #route} and {@link #completeAnswered} on the event loop; sweeps on the clock's timer
 * thread. Cost per request: one {@link PendingRequest} (the future itself) and a few array
 * accesses under one uncontended lock; see {@link PendingRequests}.
 */
public final class Requests {
  private static final VarHandle SWEEP_AT =
      VarHandles.field(MethodHandles.lookup(), "sweepAt", long.class);
  private static final VarHandle SWEEPS_ARMED =
      VarHandles.field(MethodHandles.lookup(), "sweepsArmed", int.class);
  private static final VarHandle TIMED_OUT =
      VarHandles.field(MethodHandles.lookup(), "timedOut", TimedOutIds.class);

  /** Timed-out request IDs remembered so that their late replies are recognized. */
  static final int TIMED_OUT_MEMORY = 4096;

  /** What a reply did to the requests in flight. */
  public enum Routed {
    /** It answered a request in flight. */
    ANSWERED,
    /** It answers a request that timed out: a late reply. */
    LATE,
    /** It answers no request: an ordinary message. */
    NONE
  }

  private final Clock clock;
  private final Executor callbacks;
  private final WriteQueue queue;
  private final WriteHost conn;
  private final PendingRequests inFlight = new PendingRequests();
  private volatile TimedOutIds timedOut; // made at the first timeout
  private List<PendingRequest> answeredAsync; // event loop; made at the first async reply
  // The sweep of overdue asynchronous requests (see armSweep): sweepAt is when the earliest one
  // armed is due (Deadlines.NONE: none is); sweepTimer the latest armed, cancelled at the end.
  private volatile long sweepAt = Deadlines.NONE;
  private volatile Clock.Cancellable sweepTimer;
  private volatile int sweepsArmed; // scheduled, not yet run
  private volatile boolean ended;

  /**
   * @param clock times the asynchronous requests' timeouts
   * @param callbacks the executor that completes asynchronous requests
   * @param queue where requests' messages are queued
   * @param conn the connection, whose end fails the requests
   */
  public Requests(Clock clock, Executor callbacks, WriteQueue queue, WriteHost conn) {
    this.clock = clock;
    this.callbacks = callbacks;
    this.queue = queue;
    this.conn = conn;
  }

  /** Sends a request and blocks for its reply: see Conn#request. */
  public Message request(Message msg, Duration timeout) throws IOException {
    Objects.requireNonNull(timeout, "timeout");
    IoGroup.checkMayBlock("Conn.request");
    PendingRequest p = send(msg, false, timeout, "Conn.request");
    return await(p, timeout);
  }

  /** Sends a request whose reply completes the future: see Conn#requestAsync. */
  public CompletableFuture<Message> requestAsync(Message msg, Duration timeout)
      throws IOException {
    Objects.requireNonNull(timeout, "timeout");
    PendingRequest p = send(msg, true, timeout, "Conn.requestAsync");
    if (!armTimeout(p)) {
      failIfInFlight(p); // the connection ended, and its timer
    }
    return p;
  }

  private PendingRequest send(Message msg, boolean async, Duration timeout, String call)
      throws IOException {
    queue.check(msg);
    long id = queue.idFor(msg);
    PendingRequest p = register(id, async, timeout);
    try {
      queue.enqueue(msg, id, call);
    } catch (IOException | RuntimeException e) {
      inFlight.remove(p);
      throw e;
    }
    if (conn.ended()) {
      failIfInFlight(p); // the end may have come before it was registered
    }
    return p;
  }

  /**
   * Puts a request in flight under {@code id}.
   *
   * @throws IllegalStateException when a request with that ID is in flight already
   */
  PendingRequest register(long id, boolean async, Duration timeout) {
    long deadline = async ? Deadlines.after(clock.nanoTime(), timeout) : Deadlines.NONE;
    PendingRequest p = new PendingRequest(id, async, timeout, deadline, inFlight);
    if (!inFlight.add(p)) {
      throw new IllegalStateException("a request with ID " + id + " is already in flight");
    }
    return p;
  }

  /**
   * Blocks for the reply to a synchronous request.
   *
   * @throws FtcpTimeoutException when none came within {@code timeout}
   * @throws InterruptedIOException when the thread was interrupted (the flag stays set)
   * @throws IOException whatever failed the request, such as the connection's end
   */
  private Message await(PendingRequest p, Duration timeout) throws IOException {
    try {
      return p.get(Math.max(0, Deadlines.saturatedNanos(timeout)), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      if (inFlight.remove(p)) {
        timedOut().add(p.id);
        throw p.timedOut();
      }
      return join(p); // the reply won the race; it is being completed now
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } catch (InterruptedException e) {
      inFlight.remove(p);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a reply");
    }
  }

  /**
   * Makes sure a sweep fails the asynchronous request {@code p} no later than its deadline. False
   * when the clock takes no more tasks, or the requests have ended: the caller fails it.
   */
  private boolean armTimeout(PendingRequest p) {
    return p.deadline == Deadlines.NONE || armSweep(p.deadline);
  }

  /**
   * Makes sure a sweep runs no later than {@code deadline}. Requests with one timeout arrive in
   * deadline order, so the sweep already due at or before the new deadline usually serves: the
   * common case is one volatile read, and a connection has one timer task at a time instead of
   * one per request.
   */
  private boolean armSweep(long deadline) {
    for (;;) {
      if (ended) {
        return false;
      }
      long at = sweepAt;
      if (at != Deadlines.NONE && at - deadline <= 0) {
        return true;
      }
      if (SWEEP_AT.compareAndSet(this, at, deadline)) {
        SWEEPS_ARMED.getAndAdd(this, 1);
        Clock.Cancellable t = clock.schedule(() -> sweep(deadline),
            Math.max(0, deadline - clock.nanoTime()), Runnable::run);
        if (t == null) {
          SWEEPS_ARMED.getAndAdd(this, -1);
          return false;
        }
        sweepTimer = t;
        return true;
      }
    }
  }

  /**
   * Timer thread: the sweep armed for {@code armedAt}. Fails the asynchronous requests whose
   * deadline has passed, then arms the next sweep for the earliest deadline left. It clears
   * {@link #sweepAt} only if it is still the sweep that value names, and before scanning, so
   * that a request registered during the scan either is seen by it or arms a sweep of its own;
   * a sweep that an earlier one superseded scans too, and its re-arming is absorbed by the one
   * armed already, so sweeps never pile up. The scan is over the requests in flight, once per
   * deadline reached; the real clock's wheel runs a sweep at its next tick at the soonest, so at
   * most once per tick, and a timeout fires at most a tick late.
   */
  private void sweep(long armedAt) {
    SWEEPS_ARMED.getAndAdd(this, -1);
    SWEEP_AT.compareAndSet(this, armedAt, Deadlines.NONE);
    List<PendingRequest> overdue = new ArrayList<>();
    long next = inFlight.removeOverdue(clock.nanoTime(), overdue);
    for (PendingRequest p : overdue) {
      timedOut().add(p.id);
      FtcpTimeoutException e = p.timedOut();
      callbacks.execute(() -> p.completeExceptionally(e));
    }
    if (next != Deadlines.NONE) {
      armSweep(next);
    }
  }

  /** The timed-out IDs, made by the first timeout (most connections never have one). */
  private TimedOutIds timedOut() {
    TimedOutIds t = timedOut;
    if (t == null) {
      TimedOutIds fresh = new TimedOutIds(TIMED_OUT_MEMORY);
      t = (TimedOutIds) TIMED_OUT.compareAndExchange(this, null, fresh);
      if (t == null) {
        t = fresh;
      }
    }
    return t;
  }

  /**
   * Event loop: matches a received message with the request it answers. A synchronous request
   * is completed at once; an asynchronous one at {@link #completeAnswered}, with the others of
   * its read batch, in one callback task.
   */
  public Routed route(Message m) {
    long repId = m.repId();
    if (repId == 0) {
      return Routed.NONE;
    }
    PendingRequest p = inFlight.remove(repId);
    if (p != null) {
      if (p.async) {
        p.reply = m;
        if (answeredAsync == null) {
          answeredAsync = new ArrayList<>();
        }
        answeredAsync.add(p);
      } else {
        p.complete(m);
      }
      return Routed.ANSWERED;
    }
    TimedOutIds late = timedOut;
    return late != null && late.remove(repId) ? Routed.LATE : Routed.NONE;
  }

  /** Event loop: completes the asynchronous requests answered since the last call, in one task. */
  public void completeAnswered() {
    if (answeredAsync != null && !answeredAsync.isEmpty()) {
      PendingRequest[] done = answeredAsync.toArray(new PendingRequest[0]);
      answeredAsync.clear();
      callbacks.execute(() -> {
        for (PendingRequest p : done) {
          p.complete(p.reply);
        }
      });
    }
  }

  /**
   * The connection has ended: fails every request in flight with {@code e} (any sent as the end
   * came fails at its sending); no sweep is armed again.
   */
  public void endAll(ConnectionClosedException e) {
    ended = true;
    Clock.Cancellable sweeping = sweepTimer;
    if (sweeping != null) {
      sweeping.cancel(); // the requests it would look at are failed just below
    }
    for (PendingRequest p : inFlight.removeAll()) {
      fail(p, e);
    }
  }

  /** Fails {@code p} with the connection's end if it is still in flight. */
  private void failIfInFlight(PendingRequest p) {
    if (inFlight.remove(p)) {
      fail(p, conn.closedException());
    }
  }

  private void fail(PendingRequest p, ConnectionClosedException e) {
    if (p.async) {
      callbacks.execute(() -> p.completeExceptionally(e));
    } else {
      p.completeExceptionally(e);
    }
  }

  /** Requests in flight. */
  public int size() {
    return inFlight.size();
  }

  /** Sweeps scheduled and not yet run (for tests). */
  public int sweepsArmed() {
    return sweepsArmed;
  }

  private static Message join(PendingRequest p) throws IOException {
    try {
      return p.join();
    } catch (CompletionException e) {
      throw rethrow(e.getCause());
    }
  }

  private static IOException rethrow(Throwable t) {
    if (t instanceof IOException) {
      return (IOException) t;
    }
    if (t instanceof RuntimeException) {
      throw (RuntimeException) t;
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
    return new IOException(t);
  }
}
