package dev.ftcp.soak;

import dev.ftcp.Conn;
import dev.ftcp.ConnStateListener;
import dev.ftcp.ConnStats;
import dev.ftcp.ConnectionClosedException;
import dev.ftcp.FrameFormatException;
import dev.ftcp.Ftcp;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import dev.ftcp.redial.Threads;
import dev.ftcp.soak.Violations.Kind;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One soak client: an ftcp client connection dialed through a fault proxy, one thread writing to
 * it at a steady rate, and several readers that stay open for the whole run.
 *
 * <p>The writer numbers its messages 1, 2, 3... (the seq in each payload) and is the only thread
 * that writes, so each message's seq is also the ID the connection gives it. Of every 100
 * messages, about 70 are one-way writes, 25 asynchronous requests ({@code requestAsync}, at most
 * {@value #MAX_ASYNC_IN_FLIGHT} in flight) and 5 blocking requests ({@code request}). A request
 * may fail with a timeout when a cut loses it or its reply (README, "the one window"); any other
 * failure while the connection is open is a violation: it does not give up (every outage is far
 * shorter than {@code redialTimeout}) and nothing closes it before the end.
 *
 * <p>Reader 0 reads blocking on a thread of its own; the others with {@code readAsync}, each
 * read started when the last completed, on the callback executor.
 *
 * <p>With resumable sessions ({@link SoakConfig.Mode#RESUMABLE}) a request may time out only by
 * its own timeout, its reply coming late: nothing is lost in a cut. A lost session is a
 * violation: no fault of the soak keeps a client away for its server's resume timeout.
 */
final class SoakClient {
  static final int MAX_ASYNC_IN_FLIGHT = 32;
  /** A request's timeout: long enough that, on an intact link, a reply comes late only rarely. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  /** The timeout of the last request, made once the faults have stopped. */
  static final Duration MARKER_TIMEOUT = Duration.ofMinutes(2);

  final int index;
  final Conn conn;
  final List<ReaderCheck> checks = new ArrayList<>();
  private final List<Reader> readers = new ArrayList<>();
  private final Violations violations;
  private final Tally tally;
  private final SplittableRandom random;
  private final double rate;
  private final ConcurrentHashMap<Long, Integer> pending = new ConcurrentHashMap<>();
  /** Seqs of requests that timed out: the end explains each one (late reply, or a cut). */
  final Queue<Long> timedOut = new ConcurrentLinkedQueue<>();
  private final AtomicLong redialedEvents = new AtomicLong();
  private final AtomicLong resumedEvents = new AtomicLong();
  private final AtomicLong sessionsLost = new AtomicLong();
  /** The last state events, with when they came: told in a violation's detail. */
  private final Deque<String> recentEvents = new ArrayDeque<>();
  private final boolean resumable;
  private final AtomicBoolean failureReported = new AtomicBoolean();
  private FutureTask<Void> writer;
  private FutureTask<Void> blockingReader;
  private volatile boolean stopping; // the writer is to stop
  private volatile boolean closing; // the readers are to end
  /** Seq of the last message queued; written by the writer thread, then by {@link #finish}. */
  private volatile long lastSeq;
  private volatile long markerSeq;

  private SoakClient(int index, Conn conn, double rate, long seed, Violations violations,
      Tally tally, boolean resumable) {
    this.index = index;
    this.resumable = resumable;
    this.conn = conn;
    this.rate = rate;
    this.random = new SplittableRandom(seed);
    this.violations = violations;
    this.tally = tally;
  }

  /** Dials {@code address} and opens the readers; nothing is written yet. */
  static SoakClient dial(int index, String address, Options.Builder options, int readers,
      double rate, long seed, Violations violations, Tally tally) throws IOException {
    StateCounter states = new StateCounter(index, violations, tally);
    Options built = options.stateListener(states).build();
    Conn conn = Ftcp.dial(address, built);
    SoakClient c = new SoakClient(index, conn, rate, seed, violations, tally, built.resumable());
    states.client = c;
    for (int i = 0; i < readers; i++) {
      c.readers.add(conn.reader());
      c.checks.add(new ReaderCheck(index, i == 0, built.resumable(), violations));
    }
    return c;
  }

  /** Starts the writer and the readers. */
  void start() {
    blockingReader = Threads.start("soak-client-" + index + "-reader", this::readBlocking);
    for (int i = 1; i < readers.size(); i++) {
      pump(readers.get(i), checks.get(i));
    }
    writer = Threads.start("soak-client-" + index + "-writer", this::write);
  }

  /** Asks the writer to stop after the message it is writing. */
  void stop() {
    stopping = true;
  }

  /** The writer has ended; a failure of its thread is a violation. */
  boolean writerDone() {
    return done(writer, "writer");
  }

  /** The blocking reader has ended (after {@link #close()}). */
  boolean readerDone() {
    return done(blockingReader, "blocking reader");
  }

  /**
   * Once the writer has ended and the faults have stopped: one last request, whose seq is the
   * last; the run is settled for this client when every reader has its reply.
   */
  void finish() {
    long seq = lastSeq + 1;
    markerSeq = seq;
    // requestAsync blocks while the write queue is full: bounded, should it never drain.
    conn.setWriteDeadline(Instant.now().plus(Duration.ofSeconds(60)));
    request(seq, Payloads.make(Payloads.REQUEST, index, seq, Payloads.HEADER), MARKER_TIMEOUT);
    conn.setWriteDeadline(null);
  }

  /**
   * Every request answered or timed out, and every reader has the echo of the last message;
   * with a resumable session, the server has acknowledged every message too.
   */
  boolean settled() {
    if (!pending.isEmpty() || resumable && conn.stats().queued() != 0) {
      return false;
    }
    for (ReaderCheck c : checks) {
      if (c.lastSeq() < markerSeq) {
        return false;
      }
    }
    return true;
  }

  /** What is still awaited, for a failure message. */
  String unsettled() {
    StringBuilder b = new StringBuilder("client " + index + ": last seq " + markerSeq
        + ", requests pending " + pending.keySet() + ", readers at");
    for (ReaderCheck c : checks) {
      b.append(' ').append(c.lastSeq());
    }
    return b.append(", ").append(conn.stats()).toString();
  }

  /** The seq of the last message written (the final request's). */
  long lastSeq() {
    return lastSeq;
  }

  long redialedEvents() {
    return redialedEvents.get();
  }

  long resumedEvents() {
    return resumedEvents.get();
  }

  long sessionsLost() {
    return sessionsLost.get();
  }

  /** The client's last state events, oldest first, with when they came. */
  String recentEvents() {
    synchronized (recentEvents) {
      return "client " + index + " events " + recentEvents;
    }
  }

  private void event(String what) {
    synchronized (recentEvents) {
      if (recentEvents.size() == RECENT_EVENTS) {
        recentEvents.removeFirst();
      }
      recentEvents.addLast(violations.elapsed() + " " + what);
    }
  }

  private static final int RECENT_EVENTS = 8;

  ConnStats stats() {
    return conn.stats();
  }

  /** Closes the connection; the readers end (they see ConnectionClosedException). */
  void close() {
    stopping = true;
    closing = true;
    conn.close();
  }

  // ---------------------------------------------------------------------------------------

  private Void write() {
    double meanGapNanos = 1e9 / rate;
    long next = System.nanoTime();
    while (!stopping) {
      // A steady rate with Poisson arrivals: pacing a load generator, not waiting for anything.
      next += (long) (-Math.log(1 - random.nextDouble()) * meanGapNanos);
      long now = System.nanoTime();
      if (next - now > 0) {
        Threads.letPass(Duration.ofNanos(next - now));
      } else if (now - next > TimeUnit.SECONDS.toNanos(1)) {
        next = now; // a write blocked on a full queue (an outage): no burst to catch up
      }
      if (stopping) {
        break;
      }
      long seq = lastSeq + 1;
      int choice = random.nextInt(100);
      int length = Payloads.length(random);
      try {
        if (choice < 70 || (choice < 95 && pending.size() >= MAX_ASYNC_IN_FLIGHT)) {
          long id = conn.write(Message.of(Payloads.make(Payloads.ONE_WAY, index, seq, length)));
          lastSeq = seq;
          tally.oneWay.increment();
          if (id != seq) {
            violations.add(Kind.WRONG_ID, "client " + index + ": write of seq "
                + seq + " returned ID " + id);
          }
        } else if (choice < 95) {
          tally.asyncRequests.increment();
          request(seq, Payloads.make(Payloads.REQUEST, index, seq, length), REQUEST_TIMEOUT);
        } else {
          tally.syncRequests.increment();
          byte[] payload = Payloads.make(Payloads.REQUEST, index, seq, length);
          lastSeq = seq;
          Message reply;
          try {
            reply = conn.request(Message.of(payload), REQUEST_TIMEOUT);
          } catch (IOException e) {
            onReply(seq, length, null, e);
            continue;
          }
          onReply(seq, length, reply, null);
        }
      } catch (IOException | RuntimeException e) {
        violations.add(Kind.WRITE_FAILED, index, "seq " + seq + ": " + e);
        return null;
      }
    }
    return null;
  }

  private void request(long seq, byte[] payload, Duration timeout) {
    pending.put(seq, payload.length);
    CompletableFuture<Message> f;
    try {
      f = conn.requestAsync(Message.of(payload), timeout);
    } catch (IOException | RuntimeException e) {
      pending.remove(seq);
      violations.add(Kind.REQUEST_FAILED, index, "seq " + seq + ": " + e);
      return;
    }
    lastSeq = seq;
    f.whenComplete((m, e) -> {
      onReply(seq, payload.length, m, e instanceof CompletionException ? e.getCause() : e);
      pending.remove(seq);
    });
  }

  private void onReply(long seq, int length, Message m, Throwable e) {
    if (e == null) {
      Payloads.Parsed p = Payloads.parse(m.data());
      if (m.repId() != seq || p == null || p.client() != index || p.seq() != seq
          || p.kind() != Payloads.REQUEST || m.data().length != length) {
        violations.add(Kind.REPLY_MISMATCH, "client " + index + " seq " + seq
            + " got " + m + " carrying " + p);
      }
      tally.replies.increment();
    } else if (e instanceof FtcpTimeoutException) {
      tally.timeouts.increment();
      timedOut.add(seq);
    } else {
      violations.add(Kind.REQUEST_FAILED, index, "seq " + seq + ": " + e);
    }
  }

  private Void readBlocking() throws IOException {
    Reader r = readers.get(0);
    ReaderCheck check = checks.get(0);
    try {
      for (;;) {
        check.accept(r.read());
      }
    } catch (ConnectionClosedException end) {
      if (!closing) {
        violations.add(Kind.READER_ENDED, index, String.valueOf(end));
      }
      return null;
    }
  }

  /** Reads with readAsync, one read after the other; ends when the connection closes. */
  private void pump(Reader r, ReaderCheck check) {
    for (;;) {
      CompletableFuture<Message> f = r.readAsync();
      if (!f.isDone()) {
        f.whenComplete((m, e) -> {
          if (e == null) {
            check.accept(m);
            pump(r, check);
          } else {
            asyncReadEnded(e);
          }
        });
        return;
      }
      Message m;
      try {
        m = f.join();
      } catch (CompletionException e) {
        asyncReadEnded(e.getCause());
        return;
      }
      check.accept(m);
    }
  }

  private void asyncReadEnded(Throwable e) {
    if (!(e instanceof ConnectionClosedException) || !closing) {
      violations.add(Kind.READER_ENDED, index, String.valueOf(e));
    }
  }

  private boolean done(FutureTask<Void> f, String what) {
    if (!f.isDone()) {
      return false;
    }
    try {
      f.get();
    } catch (ExecutionException e) {
      if (failureReported.compareAndSet(false, true)) {
        violations.add(Kind.THREAD_FAILED, "client " + index + " " + what + ": "
            + e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return true;
  }

  /**
   * Counts state changes; a give-up, a link failed by the library itself, or a lost session is
   * a violation.
   */
  private static final class StateCounter implements ConnStateListener {
    private final int index;
    private final Violations violations;
    private final Tally tally;
    volatile SoakClient client;

    StateCounter(int index, Violations violations, Tally tally) {
      this.index = index;
      this.violations = violations;
      this.tally = tally;
    }

    @Override
    public void disconnected(Conn conn, Throwable cause) {
      tally.disconnect(cause);
      SoakClient c = client;
      if (c != null) {
        c.event("disconnected (" + (cause == null ? "null" : cause.getClass().getSimpleName()
            + ": " + cause.getMessage()) + ")");
      }
      // The proxy cuts links; it never corrupts frames, and no outage or delay comes close to
      // writeTimeout (30 s): either would mean the library broke a link by itself.
      if (cause instanceof FrameFormatException || cause instanceof FtcpTimeoutException) {
        violations.add(Kind.LINK_FAILED_BY_LIBRARY, index, String.valueOf(cause));
      }
    }

    @Override
    public void redialed(Conn conn, int attempts) {
      tally.redialed.increment();
      SoakClient c = client;
      if (c != null) {
        c.redialedEvents.incrementAndGet();
        c.event("redialed (" + attempts + " attempts)");
      }
    }

    @Override
    public void resumed(Conn conn) {
      tally.resumed.increment();
      SoakClient c = client;
      if (c != null) {
        c.resumedEvents.incrementAndGet();
        c.event("resumed");
      }
    }

    @Override
    public void sessionLost(Conn conn, long resent) {
      tally.sessionsLost.increment();
      SoakClient c = client;
      if (c != null) {
        c.sessionsLost.incrementAndGet();
        c.event("sessionLost (" + resent + " sent again)");
      }
      violations.add(Kind.SESSION_LOST, index, resent + " messages sent again, "
          + conn.stats());
    }

    @Override
    public void gaveUp(Conn conn, Throwable lastError) {
      violations.add(Kind.GAVE_UP, index, String.valueOf(lastError));
    }
  }
}
