package dev.ftcp.internal.conn.redial;

import dev.ftcp.Options;
import dev.ftcp.internal.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * When a client connection dials: the first attempt at once after a link that worked breaks,
 * then waits from {@link Backoff}, until an attempt succeeds or {@code redialTimeout} has passed
 * since the link broke (then the host gives up). The proven-link rule decides what counts as a
 * link that worked: a redialed channel that closes before it received anything and within
 * {@link #PROVEN_AFTER_NANOS} belongs to the same outage, so the backoff and the give-up clock go
 * on instead of starting over (a server that accepts and at once closes is not dialed in a tight
 * loop forever).
 *
 * <p>Threads: the connection's event loop only; its timer runs there too. Cost: nothing while
 * the link is up; per attempt one timer task.
 */
public final class Redialer {
  /** A redialed channel that lived this long proves the link works, even if nothing came in. */
  static final long PROVEN_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  private final RedialHost host;
  private final Clock clock;
  private final Executor loop;
  private final Backoff backoff;
  private final long redialTimeoutNanos;
  private final long provenAfterNanos;
  private final Runnable attemptTask = this::attempt;

  private int attempts; // since the outage began
  private long failedAtNanos; // when the outage began
  private boolean provenByTime = true; // false for a redialed channel until proven
  private long readyAtNanos;
  private long receivedAtReady;
  private Clock.Cancellable timer;

  /**
   * @param loop the connection's event loop, where attempts run
   * @param random the jitter's source, in [0, 1)
   */
  public Redialer(RedialHost host, Options options, Clock clock, Executor loop,
      java.util.function.DoubleSupplier random) {
    this.host = host;
    this.clock = clock;
    this.loop = loop;
    this.backoff = new Backoff(options.redialBackoff(), options.maxRedialBackoff(), random);
    this.redialTimeoutNanos = options.redialTimeout().toNanos();
    // "At once" is short: a write-only client never receives, and on a link that works but
    // breaks every second or so, each redial must count as a success, or it gives up with a
    // working link.
    this.provenAfterNanos = Math.min(PROVEN_AFTER_NANOS, options.maxRedialBackoff().toNanos());
  }

  /** The redialer of a real connection: jitter from {@link ThreadLocalRandom}. */
  public Redialer(RedialHost host, Options options, Clock clock, Executor loop) {
    this(host, options, clock, loop, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** Makes an attempt now (the first dial, or the first after a link broke). */
  public void attempt() {
    timer = null;
    if (!host.beforeDial()) {
      return;
    }
    attempts++;
    host.dial();
  }

  /** Dial attempts since the outage began (the first dial's, before the first success). */
  public int attempts() {
    return attempts;
  }

  /**
   * A channel is ready. The first one ends the first dial; a redialed one must prove itself
   * (see the class comment) before its outage is over.
   *
   * @param received messages the connection has received so far
   * @return the attempts it took
   */
  public int ready(boolean first, long received) {
    int n = attempts;
    if (first) {
      attempts = 0;
    } else {
      // attempts and failedAtNanos stay until this channel proves itself: see linkLost.
      provenByTime = false;
      readyAtNanos = clock.nanoTime();
      receivedAtReady = received;
    }
    return n;
  }

  /**
   * The ready channel closed while the connection is open: redial, at once if the channel had
   * proven the link, else as the next attempt of the same outage.
   *
   * @param received messages the connection has received so far
   */
  public void linkLost(Throwable why, long received) {
    long now = clock.nanoTime();
    boolean proven = provenByTime || received != receivedAtReady
        || now - readyAtNanos >= provenAfterNanos;
    provenByTime = true;
    if (!proven) {
      attemptFailed(why);
      return;
    }
    failedAtNanos = now;
    attempts = 0;
    attempt();
  }

  /** An attempt failed: schedules the next after its backoff, or gives up past redialTimeout. */
  public void attemptFailed(Throwable cause) {
    long now = clock.nanoTime();
    long deadline = failedAtNanos + redialTimeoutNanos;
    if (now - deadline >= 0) {
      host.gaveUp(cause);
      return;
    }
    long wait = Math.min(backoff.delayNanos(attempts), deadline - now);
    timer = clock.schedule(attemptTask, wait, loop);
  }

  /** Cancels a scheduled attempt (the connection has ended). */
  public void cancel() {
    Clock.Cancellable t = timer;
    if (t != null) {
      t.cancel();
      timer = null;
    }
  }
}
