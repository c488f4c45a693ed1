package dev.ftcp.soak;

import dev.ftcp.Conn;
import dev.ftcp.ConnStateListener;
import dev.ftcp.ConnectionClosedException;
import dev.ftcp.Ftcp;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import dev.ftcp.redial.Threads;
import dev.ftcp.soak.Violations.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak's ftcp server: one listener, a thread per accepted connection that reads every
 * message, checks it, and echoes its payload back (a reply to a request, a one-way message
 * otherwise).
 *
 * <p>Not {@code redial.TestServer}: that one keeps every message it received, which a run of
 * millions of messages cannot afford. This one checks each connection's stream as it comes and
 * keeps only its extent ({@link Range}): the client, the first and the last seq, how many. The
 * checks across connections, which need all of a client's connections, are made at the end from
 * those extents ({@link SoakChecks}).
 *
 * <p>What each connection's stream must be, as it comes: from one client; each message's ID is
 * its seq (the client numbers its messages 1, 2, 3... from one thread); each seq the one after
 * the last, since TCP loses nothing in the middle of a connection and the library never sends a
 * message twice or out of order.
 *
 * <p>With resumable sessions a connection is its client's session, which goes on over every
 * link the client redials: {@code accept()} returns it once, and its stream must be every seq in
 * order, across the cuts. It must not end before the run closes it: its client never stays away
 * for the resume timeout.
 *
 * <p>Thread-safe.
 */
final class SoakServer implements AutoCloseable {
  /**
   * What one accepted connection received: seqs {@code first..last} of one client, {@code count}
   * messages; {@code acceptIndex} is the order {@code accept()} returned it in (not always the
   * order the client made its connections: see {@link SoakChecks#check}).
   */
  record Range(long acceptIndex, int client, long first, long last, long count) {}

  private final Listener listener;
  private final Violations violations;
  private final FutureTask<Void> accepting;
  private final List<List<Range>> ranges = new ArrayList<>();
  private final Set<Session> live = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private final LongAdder received = new LongAdder();
  private final LongAdder echoed = new LongAdder();
  private final LongAdder echoesRefused = new LongAdder();
  private final LongAdder echoesDiscarded = new LongAdder();
  private final LongAdder resumed = new LongAdder();
  private final LongAdder linksLost = new LongAdder();
  private final boolean resumable;
  private volatile boolean closing;
  private volatile boolean clientsClosing; // the run is over: clients close their sessions
  /** Each server connection's state events, with when they came: told of one that carried none. */
  private final Map<Conn, List<String>> events = new ConcurrentHashMap<>();
  /** Server connections that carried no message, described: resumable mode allows none. */
  private final Queue<String> empty = new ConcurrentLinkedQueue<>();

  SoakServer(Options.Builder options, int clients, Violations violations) throws IOException {
    this.violations = violations;
    for (int i = 0; i < clients; i++) {
      ranges.add(new ArrayList<>());
    }
    Options built = options.stateListener(new ConnStateListener() {
      @Override
      public void connected(Conn conn) {
        event(conn, "connected from " + conn.remoteAddress());
      }

      @Override
      public void resumed(Conn conn) {
        resumed.increment();
        event(conn, "resumed from " + conn.remoteAddress());
      }

      @Override
      public void disconnected(Conn conn, Throwable cause) {
        linksLost.increment();
        event(conn, "disconnected (" + cause + ")");
      }

      @Override
      public void closed(Conn conn) {
        event(conn, "closed");
      }
    }).build();
    this.resumable = built.resumable();
    this.listener = Ftcp.listen("127.0.0.1:0", built);
    this.accepting = Threads.start("soak-server-accept", this::accept);
  }

  int port() {
    return listener.address().getPort();
  }

  private Void accept() throws IOException {
    try {
      for (;;) {
        Conn conn = listener.accept();
        Session s = new Session(accepted.incrementAndGet(), conn); // counted once returned
        live.add(s);
        s.reading = Threads.start("soak-server-" + s.acceptIndex, s::read);
      }
    } catch (ConnectionClosedException e) {
      return null; // close() closed the listener
    }
  }

  /** Connections accepted so far. */
  long accepted() {
    return accepted.get();
  }

  /** Connections whose reading thread has not ended yet. */
  int live() {
    return live.size();
  }

  long received() {
    return received.sum();
  }

  long echoed() {
    return echoed.sum();
  }

  /** Echoes not sent because the connection had broken meanwhile (the client redials). */
  long echoesRefused() {
    return echoesRefused.sum();
  }

  /**
   * Echoes written but still queued when their connection broke: a server connection does not
   * redial, so it discards them ({@code messagesDiscarded} of each server connection).
   */
  long echoesDiscarded() {
    return echoesDiscarded.sum();
  }

  private void event(Conn conn, String what) {
    List<String> log = events.computeIfAbsent(conn, c -> new ArrayList<>());
    synchronized (log) {
      if (log.size() < 12) {
        log.add(violations.elapsed() + " " + what);
      }
    }
  }

  /** Server connections that carried no message, each with its accept time and events. */
  List<String> empty() {
    return new ArrayList<>(empty);
  }

  /** Resumable sessions that went on over a new link (the server's {@code resumed} events). */
  long resumed() {
    return resumed.sum();
  }

  /** Links of server connections that broke ({@code disconnected} events). */
  long linksLost() {
    return linksLost.sum();
  }

  /** A client's connections that carried anything, in the order accept() returned them. */
  List<Range> ranges(int client) {
    List<Range> r;
    synchronized (ranges) {
      r = new ArrayList<>(ranges.get(client));
    }
    r.sort(Comparator.comparingLong(Range::acceptIndex));
    return r;
  }

  /** The run is over and the clients close: a session their close ends is not a violation. */
  void clientsClosing() {
    clientsClosing = true;
  }

  /**
   * Stops listening, closes the connections still open and waits (bounded) for their threads,
   * which record what their connection received as they end.
   */
  @Override
  public void close() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    closing = true;
    listener.close();
    await(accepting, "the accepting thread", deadline);
    for (Session s : live) {
      s.conn.close();
    }
    for (Session s : new ArrayList<>(live)) {
      await(s.reading, "server connection " + s.acceptIndex, deadline);
    }
  }

  private void await(FutureTask<?> f, String what, long deadline) {
    if (f == null) {
      return;
    }
    try {
      f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      violations.add(Kind.HANG, what + " did not end within 30 s of close");
    } catch (ExecutionException e) {
      violations.add(Kind.THREAD_FAILED, what + ": " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Session {
    final long acceptIndex;
    final Conn conn;
    final String acceptedAt = violations.elapsed();
    volatile FutureTask<Void> reading;

    Session(long acceptIndex, Conn conn) {
      this.acceptIndex = acceptIndex;
      this.conn = conn;
    }

    Void read() throws IOException {
      int client = -1;
      long first = 0;
      long last = 0;
      long count = 0;
      boolean writable = true;
      try (Reader r = conn.reader()) {
        for (;;) {
          Message m;
          try {
            m = r.read();
          } catch (ConnectionClosedException end) {
            if (resumable && !closing && !clientsClosing) {
              violations.add(Kind.SESSION_ENDED_EARLY, Math.max(client, 0), "server connection "
                  + acceptIndex + " (seqs " + first + ".." + last + "): " + end);
            }
            return null; // the link broke (the client redials), or the run is over
          }
          received.increment();
          Payloads.Parsed p = Payloads.parse(m.data());
          if (p == null) {
            violations.add(Kind.CORRUPT_AT_SERVER, m + " on connection " + acceptIndex);
            continue;
          }
          if (client < 0) {
            client = p.client();
            first = p.seq();
          } else if (p.client() != client) {
            violations.add(Kind.TWO_CLIENTS_ON_ONE_CONNECTION, "client " + p.client()
                + " on connection " + acceptIndex + " of client " + client);
            continue;
          } else if (p.seq() != last + 1) {
            violations.add(p.seq() <= last ? Kind.DUPLICATE_OR_REORDER_CLIENT_TO_SERVER
                : resumable ? Kind.LOST_IN_SESSION_CLIENT_TO_SERVER
                : Kind.LOSS_INSIDE_CONNECTION_CLIENT_TO_SERVER, client,
                "server connection " + acceptIndex + ": seq " + p.seq() + " after " + last);
          }
          if (m.id() != p.seq() || m.repId() != 0) {
            violations.add(Kind.WRONG_ID, "client " + client + " seq "
                + p.seq() + " came with ID " + m.id() + ", RepID " + m.repId());
          }
          last = p.seq();
          count++;
          if (writable) {
            try {
              conn.write(p.kind() == Payloads.REQUEST ? m.reply(m.data())
                  : new Message(0, 0, m.data()));
              echoed.increment();
            } catch (ConnectionClosedException broken) {
              writable = false; // a server connection does not redial: its client does
              echoesRefused.increment();
            }
          }
        }
      } finally {
        if (client >= 0) {
          synchronized (ranges) {
            ranges.get(client).add(new Range(acceptIndex, client, first, last, count));
          }
        }
        conn.close();
        if (client < 0) {
          List<String> log = events.getOrDefault(conn, List.of());
          synchronized (log) {
            empty.add("server connection " + acceptIndex + " accepted at " + acceptedAt
                + " carried no message, " + conn.stats() + ", events " + log);
          }
        }
        events.remove(conn);
        echoesDiscarded.add(conn.stats().messagesDiscarded());
        live.remove(this);
      }
    }
  }
}
