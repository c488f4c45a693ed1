package dev.ftcp.bench.ftcp;

import dev.ftcp.Conn;
import dev.ftcp.ConnectionClosedException;
import dev.ftcp.Ftcp;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import dev.ftcp.bench.Fds;
import dev.ftcp.bench.LatencyRecorder;
import dev.ftcp.bench.Measure;
import dev.ftcp.bench.Metric;
import dev.ftcp.bench.Result;
import dev.ftcp.bench.Scenario;
import dev.ftcp.bench.Tls;
import dev.ftcp.bench.VirtualThreads;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ftcp side of each workload, through the public API only, written as the API's
 * documentation suggests an application would: a thread that writes, a thread per reader,
 * {@code request} for one outstanding call and {@code requestAsync} for many; and, for the
 * request/reply workloads' {@code ftcp-direct} contender, callbacks on the I/O thread (a direct
 * callback executor: {@code readAsync} and {@code requestAsync} chained from completions).
 */
public final class FtcpScenarios {
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Round trips per second rr-vthreads has room to record. */
  private static final long VTHREAD_SAMPLES_PER_SEC = 2_000_000;

  private FtcpScenarios() {}

  /**
   * The options of one end in {@code config}, with TLS when asked, and no linger: the end of a
   * run discards the rest.
   */
  public static Options options(boolean tls, boolean server, FtcpConfig config) {
    Options.Builder b = Options.builder().closeLinger(Duration.ZERO);
    if (tls) {
      b.tls(server ? Tls.ftcpServer() : Tls.ftcpClient());
    }
    return config.apply(b).build();
  }

  static Conn dial(Listener l, boolean tls, FtcpConfig config) throws IOException {
    return Ftcp.dial("127.0.0.1:" + l.address().getPort(), options(tls, false, config));
  }

  /**
   * One-way, both ends in {@code config}: a writer thread writes {@code Message.of(payload)} in
   * a loop; a reader counts.
   */
  @SuppressWarnings("try") // client and server are closed early on purpose: that ends the writer
  public static Scenario oneWay(FtcpConfig config) {
    return spec -> {
      try (Listener l = Ftcp.listen("127.0.0.1:0", options(spec.tls(), true, config));
          Conn client = dial(l, spec.tls(), config);
          Conn server = l.accept(Duration.ofSeconds(10))) {
        AtomicLong received = new AtomicLong();
        Thread reader = countingReader(server, received);
        byte[] payload = spec.payload();
        Thread writer = Measure.thread("ftcp-writer", () -> {
          try {
            while (true) {
              client.write(Message.of(payload));
            }
          } catch (ConnectionClosedException e) {
            // the end of the run
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
        try {
          return Measure.rate(Metric.MSGS_PER_SEC, received::get, spec);
        } finally {
          client.close();
          server.close();
          writer.join(5_000);
          reader.join(5_000);
        }
      }
    };
  }

  /**
   * Request/reply on one connection, both ends in {@code config}. With one outstanding, a
   * thread calls {@code request} in a loop and each round trip is recorded; with more,
   * {@code requestAsync} keeps that many in flight and completions are counted.
   */
  @SuppressWarnings("try") // client and server are closed early on purpose: that ends the echo thread
  public static Scenario requestReply(FtcpConfig config) {
    return spec -> {
      try (Listener l = Ftcp.listen("127.0.0.1:0", options(spec.tls(), true, config));
          Conn client = dial(l, spec.tls(), config);
          Conn server = l.accept(Duration.ofSeconds(10))) {
        Thread echo = echo(server);
        byte[] payload = spec.payload();
        // One outstanding: one requester thread counts. More: completions on the callback
        // threads count, without reading a shared total on every reply.
        AtomicLong replies = new AtomicLong();
        LongAdder asyncReplies = new LongAdder();
        LatencyRecorder latencies = spec.outstanding() == 1
            ? new LatencyRecorder(Measure.latencyCapacity(spec)) : null;
        Thread requester = spec.outstanding() == 1
            ? Measure.thread("ftcp-requester", () -> requestLoop(client, payload, latencies,
                replies))
            : Measure.thread("ftcp-requester", () -> asyncLoop(client, payload,
                spec.outstanding(), asyncReplies));
        Result result;
        try {
          result = latencies == null
              ? Measure.rate(Metric.REQS_PER_SEC, asyncReplies::sum, spec)
              : Measure.latencyWindow(spec, latencies, replies::get);
        } finally {
          client.close();
          server.close();
          requester.join(5_000);
          echo.join(5_000);
        }
        return latencies == null ? result : latencies.percentilesInto(result);
      }
    };
  }

  /**
   * Request/reply from virtual threads on one connection, both ends in {@code config}:
   * {@code spec.outstanding()} virtual threads each call {@code request} in a loop, so that many
   * blocking requests are in flight at once; each round trip is recorded. The server is the same
   * echo thread as the other request/reply workloads. Where the JVM has no virtual threads
   * (before JDK 21) it runs nothing and says so in its result's note.
   */
  @SuppressWarnings("try") // client and server are closed early on purpose: that ends the echo thread
  public static Scenario requestReplyVirtualThreads(FtcpConfig config) {
    return spec -> {
      ExecutorService requesters = VirtualThreads.perTaskExecutor();
      if (requesters == null) {
        return new Result().note(VirtualThreads.unavailable());
      }
      try (Listener l = Ftcp.listen("127.0.0.1:0", options(spec.tls(), true, config));
          Conn client = dial(l, spec.tls(), config);
          Conn server = l.accept(Duration.ofSeconds(10))) {
        Thread echo = echo(server);
        byte[] payload = spec.payload();
        LongAdder replies = new LongAdder();
        // Every round trip is recorded, from all the threads: room for 2 M a second.
        LatencyRecorder latencies =
            new LatencyRecorder(Measure.latencyCapacity(spec, VTHREAD_SAMPLES_PER_SEC));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < spec.outstanding(); i++) {
          requesters.execute(() -> requestLoop(client, payload, latencies, replies, failure));
        }
        Result result;
        try {
          result = Measure.latencyWindow(spec, latencies, replies::sum);
        } finally {
          client.close();
          server.close();
          requesters.shutdown();
          requesters.awaitTermination(5, TimeUnit.SECONDS);
          echo.join(5_000);
        }
        Throwable failed = failure.get();
        if (failed != null) {
          throw new IllegalStateException("a requesting virtual thread failed", failed);
        }
        return latencies.percentilesInto(result);
      }
    };
  }

  /**
   * Request/reply with the application's code in callbacks on the I/O threads (a direct
   * callback executor on both sides), as a Netty application's handlers are: the server
   * answers with {@code readAsync} ({@link #echoAsync}); the client keeps {@code outstanding}
   * chains of {@code requestAsync}, each reply sending the next request from its callback. With
   * one outstanding, each round trip is recorded.
   */
  @SuppressWarnings("try") // client and server are closed early on purpose: that ends the echo thread
  public static Scenario requestReplyDirect() {
    return spec -> {
      try (Listener l = Ftcp.listen("127.0.0.1:0", options(spec.tls(), true, FtcpConfig.DIRECT));
          Conn client = dial(l, spec.tls(), FtcpConfig.DIRECT);
          Conn server = l.accept(Duration.ofSeconds(10));
          Reader r = server.reader()) {
        echoAsync(server, r);
        Chains chains = new Chains(client, spec.payload(), spec.outstanding() == 1
            ? new LatencyRecorder(Measure.latencyCapacity(spec)) : null);
        for (int i = 0; i < spec.outstanding(); i++) {
          chains.next();
        }
        Result result;
        try {
          result = chains.latencies == null
              ? Measure.rate(Metric.REQS_PER_SEC, chains.replies::sum, spec)
              : Measure.latencyWindow(spec, chains.latencies, chains.replies::sum);
        } finally {
          client.close();
          server.close();
        }
        Throwable failed = chains.failure.get();
        if (failed != null) {
          throw new IllegalStateException("a request chain failed", failed);
        }
        return chains.latencies == null ? result : chains.latencies.percentilesInto(result);
      }
    };
  }

  /** Chains of asynchronous requests: each reply's callback sends the chain's next request. */
  private static final class Chains {
    final Conn client;
    final byte[] payload;
    final LatencyRecorder latencies; // null: count only
    final LongAdder replies = new LongAdder();
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Chains(Conn client, byte[] payload, LatencyRecorder latencies) {
      this.client = client;
      this.payload = payload;
      this.latencies = latencies;
    }

    void next() {
      // Only a chain that records reads the clock: on rr-256 the read was 2% of the I/O threads.
      long t0 = latencies != null ? System.nanoTime() : 0;
      CompletableFuture<Message> f;
      try {
        f = client.requestAsync(Message.of(payload), REQUEST_TIMEOUT);
      } catch (ConnectionClosedException e) {
        return; // the end of the run
      } catch (IOException | RuntimeException e) {
        failure.compareAndSet(null, e);
        return;
      }
      f.whenComplete((m, e) -> {
        if (e != null) {
          if (client.isOpen()) {
            failure.compareAndSet(null, e);
          }
          return;
        }
        if (latencies != null) {
          latencies.record(System.nanoTime() - t0);
        }
        replies.increment();
        next();
      });
    }
  }

  /**
   * Fan-in: many client connections, two writer threads, one reader thread per server side. At
   * the end the writers stop before any connection closes, as the raw Netty baseline stops its
   * pumps first: each {@code close} waits for its event loop, and loops that are still busy
   * with the writers' bursts on a thousand connections make a thousand closes slow.
   */
  public static Scenario fanIn() {
    return spec -> {
      int n = Fds.pairs(spec.connections());
      List<Conn> clients = new ArrayList<>(n);
      List<Conn> servers = new ArrayList<>(n);
      List<Thread> readers = new ArrayList<>();
      List<Thread> writers = new ArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      LongAdder received = new LongAdder();
      try (Listener l = Ftcp.listen("127.0.0.1:0",
          options(spec.tls(), true, FtcpConfig.DEFAULTS))) {
        for (int i = 0; i < n; i++) {
          clients.add(dial(l, spec.tls(), FtcpConfig.DEFAULTS));
          Conn s = l.accept(Duration.ofSeconds(10));
          servers.add(s);
          readers.add(countingReader(s, received));
        }
        byte[] payload = spec.payload();
        int writerCount = 2;
        for (int w = 0; w < writerCount; w++) {
          List<Conn> mine = clients.subList(w * n / writerCount, (w + 1) * n / writerCount);
          writers.add(Measure.thread("ftcp-writer-" + w,
              () -> writeRoundRobin(mine, payload, stop)));
        }
        Result r = Measure.rate(Metric.MSGS_PER_SEC, received::sum, spec)
            .put(Metric.CONNECTIONS, clients.size());
        return n < spec.connections() ? r.note(Fds.shortfall(n, spec.connections())) : r;
      } finally {
        stop.set(true);
        for (Thread t : writers) {
          t.join(5_000);
        }
        clients.forEach(Conn::close);
        servers.forEach(Conn::close);
        for (Thread t : readers) {
          t.join(5_000);
        }
      }
    };
  }

  /** A thread that reads {@code conn} until it closes, counting what it reads. */
  static Thread countingReader(Conn conn, AtomicLong count) {
    return Measure.thread("ftcp-reader", () -> {
      try (Reader r = conn.reader()) {
        long n = 0;
        while (true) {
          r.read();
          count.lazySet(++n);
        }
      } catch (ConnectionClosedException e) {
        // the end of the run
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  static Thread countingReader(Conn conn, LongAdder count) {
    return Measure.thread("ftcp-reader", () -> {
      try (Reader r = conn.reader()) {
        while (true) {
          r.read();
          count.increment();
        }
      } catch (ConnectionClosedException e) {
        // the end of the run
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** The server side of request/reply: answers each message with its own payload. */
  static Thread echo(Conn conn) {
    return Measure.thread("ftcp-echo", () -> echoLoop(conn));
  }

  /**
   * Echoes every message without a thread of its own: each read is a {@code readAsync}, and the
   * reply is written where the read completes (the callback executor).
   */
  public static void echoAsync(Conn conn, Reader r) {
    for (;;) {
      CompletableFuture<Message> f = r.readAsync();
      if (!f.isDone()) {
        f.whenComplete((m, e) -> {
          if (e == null && replyTo(conn, m)) {
            echoAsync(conn, r);
          } else {
            r.close();
          }
        });
        return;
      }
      Message m;
      try {
        m = f.join();
      } catch (CompletionException e) {
        r.close(); // the connection ended
        return;
      }
      if (!replyTo(conn, m)) {
        r.close();
        return;
      }
    }
  }

  private static boolean replyTo(Conn conn, Message m) {
    try {
      conn.write(m.reply(m.data()));
      return true;
    } catch (IOException e) {
      return false; // the connection ended
    }
  }

  public static void echoLoop(Conn conn) {
    try (Reader r = conn.reader()) {
      while (true) {
        Message m = r.read();
        conn.write(m.reply(m.data()));
      }
    } catch (ConnectionClosedException e) {
      // the end of the run
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void requestLoop(Conn client, byte[] payload, LatencyRecorder latencies,
      AtomicLong replies) {
    long n = 0;
    try {
      while (true) {
        long t0 = System.nanoTime();
        client.request(Message.of(payload), REQUEST_TIMEOUT);
        latencies.record(System.nanoTime() - t0);
        replies.lazySet(++n);
      }
    } catch (ConnectionClosedException e) {
      // the end of the run
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One of many requesting threads: counts on a shared adder, keeps its first failure. */
  private static void requestLoop(Conn client, byte[] payload, LatencyRecorder latencies,
      LongAdder replies, AtomicReference<Throwable> failure) {
    try {
      while (true) {
        long t0 = System.nanoTime();
        client.request(Message.of(payload), REQUEST_TIMEOUT);
        latencies.record(System.nanoTime() - t0);
        replies.increment();
      }
    } catch (ConnectionClosedException e) {
      // the end of the run
    } catch (IOException | RuntimeException e) {
      if (client.isOpen()) {
        failure.compareAndSet(null, e);
      }
    }
  }

  private static void asyncLoop(Conn client, byte[] payload, int window, LongAdder replies) {
    Semaphore slots = new Semaphore(window);
    try {
      while (client.isOpen()) {
        slots.acquire();
        client.requestAsync(Message.of(payload), REQUEST_TIMEOUT).whenComplete((m, e) -> {
          if (e == null) {
            replies.increment();
          }
          slots.release();
        });
      }
    } catch (ConnectionClosedException | InterruptedException e) {
      // the end of the run
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a burst to each connection in turn until {@code stop} is set or one closes. */
  private static void writeRoundRobin(List<Conn> conns, byte[] payload, AtomicBoolean stop) {
    try {
      while (!stop.get()) {
        for (Conn c : conns) {
          // A burst per connection, as each client of a fan-in would send one.
          for (int i = 0; i < 64; i++) {
            c.write(Message.of(payload));
          }
        }
      }
    } catch (ConnectionClosedException e) {
      // the end of the run
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

}
