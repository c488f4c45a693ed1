package dev.ftcp.soak;

import dev.ftcp.redial.Threads;
import dev.ftcp.soak.Violations.Kind;
import dev.ftcp.testing.FaultProxy.Cut;
import dev.ftcp.testing.FaultProxy.Refusal;
import dev.ftcp.testing.FaultProxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Breaks links at random, all the time, on every proxy: each proxy gets a fault after a random
 * wait (exponential, of mean {@code faultInterval}), then another, until {@link #stop()}.
 *
 * <pre>
 *   35%  cut every link of the proxy with a reset (SO_LINGER 0)
 *   35%  cut every link with an orderly close (FIN)
 *   10%  outage: new connections accepted and closed at once for 0.1-1 s
 *        ({@link #LONGEST_REFUSAL}), then cut every link;
 *        the clients' redials connect and drop, and back off
 *   10%  delay every chunk 1-30 ms, for 0.5-3 s
 *   10%  deliver bytes in fragments of 1, 3, 16, 100 or 1000 bytes, for 0.2-2 s
 * </pre>
 *
 * Outages accept and close rather than stop listening: a proxy that closed its listening port
 * could find it taken by one of the many connections the soak opens meanwhile (it listens on an
 * ephemeral port), and its clients could then never come back, through no fault of the library.
 *
 * <p>One thread of its own, {@code soak-chaos}; the counters are read once it has stopped.
 */
final class Chaos {
  private static final int[] FRAGMENTS = {1, 3, 16, 100, 1000};
  /** An outage's refusal lasts up to this long (see {@link SoakConfig#longestAbsence}). */
  static final Duration LONGEST_REFUSAL = Duration.ofSeconds(1);
  private static final Duration SHORTEST_REFUSAL = Duration.ofMillis(100);

  private final List<FaultProxy> proxies;
  private final SplittableRandom random;
  private final double meanNanos;
  private final int[] delayPhase;
  private final int[] fragmentPhase;
  private final Violations clock; // the run's elapsed time, for the log of faults
  private final List<Deque<String>> recent = new ArrayList<>(); // each proxy's last faults
  private volatile boolean stopping;
  private boolean failed;
  private FutureTask<Void> running;

  final LongAdder resets = new LongAdder();
  final LongAdder fins = new LongAdder();
  final LongAdder outages = new LongAdder();
  final LongAdder delays = new LongAdder();
  final LongAdder fragments = new LongAdder();
  /** Links open when they were cut: each one a client connection broken. */
  final LongAdder linksCut = new LongAdder();

  Chaos(List<FaultProxy> proxies, Duration faultInterval, long seed, Violations clock) {
    this.proxies = proxies;
    this.clock = clock;
    for (int p = 0; p < proxies.size(); p++) {
      recent.add(new ArrayDeque<>());
    }
    this.random = new SplittableRandom(seed);
    this.meanNanos = faultInterval.toNanos();
    this.delayPhase = new int[proxies.size()];
    this.fragmentPhase = new int[proxies.size()];
  }

  void start() {
    running = Threads.start("soak-chaos", this::run);
  }

  /**
   * Stops injecting faults and ends every delay, fragmentation and refusal. A chaos thread that
   * failed (a proxy that did not answer its controls) is a violation: the run was not what it
   * claims to be.
   */
  void stop(Violations violations) throws InterruptedException {
    stopping = true;
    try {
      running.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!failed) {
        failed = true;
        violations.add(Kind.FAULT_INJECTION_FAILED, String.valueOf(e.getCause()));
      }
    } catch (TimeoutException e) {
      violations.add(Kind.HANG, "the chaos thread did not stop within 60 s");
    }
    for (FaultProxy p : proxies) {
      p.resume();
    }
  }

  /** The last faults made on proxy {@code p}, oldest first, with when they were made. */
  String recent(int p) {
    Deque<String> log = recent.get(p);
    synchronized (log) {
      return "proxy " + p + " faults " + log;
    }
  }

  private void log(int p, String what) {
    Deque<String> log = recent.get(p);
    synchronized (log) {
      if (log.size() == RECENT) {
        log.removeFirst();
      }
      log.addLast(clock.elapsed() + " " + what);
    }
  }

  private static final int RECENT = 6;

  long cuts() {
    return resets.sum() + fins.sum() + outages.sum();
  }

  private record Event(long atNanos, int proxy, Runnable action) {}

  private Void run() {
    PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> Long.compare(a.atNanos, b.atNanos));
    long now = System.nanoTime();
    for (int p = 0; p < proxies.size(); p++) {
      int proxy = p;
      events.add(new Event(now + nextWait(), proxy, () -> fault(events, proxy)));
    }
    while (!stopping) {
      Event e = events.peek();
      long wait = e.atNanos - System.nanoTime();
      if (wait > 0) {
        // The schedule of faults is a length of time; wake at least every 100 ms to stop.
        Threads.letPass(Duration.ofNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100))));
        continue;
      }
      events.poll();
      e.action.run();
    }
    return null;
  }

  private long nextWait() {
    return (long) (-Math.log(1 - random.nextDouble()) * meanNanos);
  }

  private void fault(PriorityQueue<Event> events, int p) {
    FaultProxy proxy = proxies.get(p);
    int choice = random.nextInt(100);
    long now = System.nanoTime();
    if (choice < 35) {
      log(p, "RESET of " + cut(proxy, Cut.RESET));
      resets.increment();
    } else if (choice < 70) {
      log(p, "FIN of " + cut(proxy, Cut.FIN));
      fins.increment();
    } else if (choice < 80) {
      long refusalMs = SHORTEST_REFUSAL.toMillis()
          + random.nextInt((int) LONGEST_REFUSAL.minus(SHORTEST_REFUSAL).toMillis());
      proxy.refuseFor(Duration.ofMillis(refusalMs), Refusal.ACCEPT_AND_CLOSE);
      Cut how = random.nextBoolean() ? Cut.RESET : Cut.FIN;
      log(p, "outage " + refusalMs + " ms, " + how + " of " + cut(proxy, how));
      outages.increment();
    } else if (choice < 90) {
      int phase = ++delayPhase[p];
      int delayMs = 1 + random.nextInt(30);
      proxy.delay(Duration.ofMillis(delayMs));
      log(p, "delay " + delayMs + " ms");
      delays.increment();
      events.add(new Event(now + TimeUnit.MILLISECONDS.toNanos(500 + random.nextInt(2500)), p,
          () -> {
            if (delayPhase[p] == phase) {
              proxy.delay(Duration.ZERO);
            }
          }));
    } else {
      int phase = ++fragmentPhase[p];
      int fragment = FRAGMENTS[random.nextInt(FRAGMENTS.length)];
      proxy.fragment(fragment);
      log(p, "fragments of " + fragment);
      fragments.increment();
      events.add(new Event(now + TimeUnit.MILLISECONDS.toNanos(200 + random.nextInt(1800)), p,
          () -> {
            if (fragmentPhase[p] == phase) {
              proxy.fragment(0);
            }
          }));
    }
    events.add(new Event(now + nextWait(), p, () -> fault(events, p)));
  }

  /** Cuts every link of {@code proxy}; returns how many there were, for the log. */
  private String cut(FaultProxy proxy, Cut how) {
    int open = proxy.openConnections();
    linksCut.add(open);
    proxy.cutAll(how);
    return open + " links";
  }
}
