package dev.ftcp.testing;

import dev.ftcp.Conn;
import dev.ftcp.ConnStats;
import dev.ftcp.ConnectionClosedException;
import dev.ftcp.Ftcp;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child side of {@link ServerProcess}: an ftcp listener alone in a JVM of its own, so that
 * what it holds can be measured without the test's own objects (or the test JVM's paranoid leak
 * detector) in the figures, and under a heap as small as the test likes. Not a test.
 *
 * <p>Arguments, {@code key=value}: {@code mode=echo} (every accepted connection is served with
 * {@link Reader#readAsync()}, answering each message with its own payload: no thread per
 * connection) or {@code mode=hold} (every accepted connection gets a reader that is not read
 * until {@code DRAIN}); {@code readerBufferDepth} sets that option (the others are the
 * defaults); {@code drainSampleEvery} is how many messages {@code DRAIN} reads between two
 * measurements of the live heap.
 *
 * <p>Prints {@code PORT <port>} once listening, then answers one line per command read from
 * standard input, {@code <COMMAND> key=value ...}:
 *
 * <ul>
 *   <li>{@code COUNT}: {@code accepted}, {@code open} connections, {@code messagesIn} over all.
 *   <li>{@code MEASURE}: after full collections, {@code heap} (live heap), {@code nioDirect}
 *       (the JVM's direct buffer pool, where Netty's buffers are on JDK 17 but not on JDK 25),
 *       {@code nettyDirect} (what Netty's default allocator holds, on any JDK); the
 *       threads alive: {@code ioThreads} (ftcp-io-*), {@code callbackThreads} (the common
 *       fork-join pool, ftcp's default callback executor, at most {@code callbackParallelism})
 *       and {@code otherThreads}.
 *   <li>{@code PEAKS}: the highest {@code nioDirect}, {@code nettyDirect} and {@code heapUsed}
 *       (garbage included) seen by a sampler every 5 ms since the start.
 *   <li>{@code DRAIN <i>} (hold mode): reads connection i (0 is the first accepted) until it
 *       ends, checking that
 *       message i has ID i and a payload starting with i (8 bytes, little-endian); answers
 *       {@code messages}, {@code bytes}, {@code inOrder} (1 or 0) and {@code maxLiveHeap}, the
 *       highest live heap measured while draining.
 *   <li>{@code QUIT}: exits 0 at once (the sockets close with the process).
 * </ul>
 */
public final class ServerProcessMain {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private static final BufferPoolMXBean DIRECT_POOL =
      ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
          .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();

  private final PrintStream out;
  private final Listener listener;
  private final boolean echo;
  private final int drainSampleEvery;
  private final List<Conn> conns = new CopyOnWriteArrayList<>();
  private final List<Reader> heldReaders = new CopyOnWriteArrayList<>();
  private final AtomicLong peakNioDirect = new AtomicLong();
  private final AtomicLong peakNettyDirect = new AtomicLong();
  private final AtomicLong peakHeapUsed = new AtomicLong();

  private ServerProcessMain(PrintStream out, Map<String, String> args) throws IOException {
    this.out = out;
    String mode = args.getOrDefault("mode", "echo");
    if (!mode.equals("echo") && !mode.equals("hold")) {
      throw new IllegalArgumentException("mode must be echo or hold, was " + mode);
    }
    this.echo = mode.equals("echo");
    this.drainSampleEvery = Integer.parseInt(args.getOrDefault("drainSampleEvery", "4096"));
    Options.Builder o = Options.builder();
    if (args.containsKey("readerBufferDepth")) {
      o.readerBufferDepth(Integer.parseInt(args.get("readerBufferDepth")));
    }
    this.listener = Ftcp.listen("127.0.0.1:0", o.build());
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (String a : argv) {
      int eq = a.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("expected key=value, got " + a);
      }
      args.put(a.substring(0, eq), a.substring(eq + 1));
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    ServerProcessMain server = new ServerProcessMain(out, args);
    server.run();
    System.exit(0);
  }

  private void run() throws Exception {
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "memory-sampler");
      t.setDaemon(true);
      return t;
    });
    sampler.scheduleAtFixedRate(this::sample, 0, 5, TimeUnit.MILLISECONDS);
    Thread acceptor = new Thread(this::acceptForever, "acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    out.println("PORT " + listener.address().getPort());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      String command = line.trim();
      if (command.equals("QUIT")) {
        break;
      }
      out.println(answer(command));
    }
    // No Conn.close() here: each waits up to closeLinger for a peer that may never answer.
    // Exiting closes every socket at once.
    sampler.shutdownNow();
  }

  private String answer(String command) throws Exception {
    switch (command) {
      case "COUNT": {
        long open = conns.stream().filter(Conn::isOpen).count();
        long in = conns.stream().map(Conn::stats).mapToLong(ConnStats::messagesIn).sum();
        return "COUNT accepted=" + conns.size() + " open=" + open + " messagesIn=" + in;
      }
      case "MEASURE": {
        long heap = liveHeap();
        Set<Thread> threads = Thread.getAllStackTraces().keySet();
        long io = threads.stream().filter(t -> t.getName().startsWith("ftcp-io-")).count();
        long callback = threads.stream()
            .filter(t -> t.getName().startsWith("ForkJoinPool.commonPool-worker")).count();
        return "MEASURE heap=" + heap + " nioDirect=" + DIRECT_POOL.getMemoryUsed()
            + " nettyDirect=" + nettyDirect() + " ioThreads=" + io
            + " callbackThreads=" + callback
            + " callbackParallelism=" + ForkJoinPool.commonPool().getParallelism()
            + " otherThreads=" + (threads.size() - io - callback);
      }
      case "PEAKS":
        return "PEAKS nioDirect=" + peakNioDirect.get() + " nettyDirect=" + peakNettyDirect.get()
            + " heapUsed=" + peakHeapUsed.get();
      default:
        if (command.startsWith("DRAIN ")) {
          return drain(Integer.parseInt(command.substring(6).trim()));
        }
        return "ERROR unknown command " + command;
    }
  }

  private void acceptForever() {
    try {
      for (;;) {
        Conn c = listener.accept();
        conns.add(c);
        Reader r = c.reader();
        if (echo) {
          serve(c, r);
        } else {
          heldReaders.add(r);
        }
      }
    } catch (ConnectionClosedException e) {
      // the listener closed: nothing more to accept
    } catch (IOException e) {
      e.printStackTrace();
    }
  }

  /** Answers each message with its payload, one asynchronous read at a time. */
  private static void serve(Conn c, Reader r) {
    r.readAsync().whenCompleteAsync((m, failure) -> {
      if (m == null) {
        c.close();
        return;
      }
      try {
        c.write(m.reply(m.data()));
      } catch (IOException e) {
        c.close();
        return;
      }
      serve(c, r);
    });
  }

  private String drain(int index) throws InterruptedException {
    if (echo || heldReaders.size() <= index) {
      return "ERROR DRAIN needs mode=hold and connection " + index;
    }
    Reader r = heldReaders.get(index);
    long messages = 0;
    long bytes = 0;
    boolean inOrder = true;
    long maxLiveHeap = 0;
    for (;;) {
      Message m;
      try {
        m = r.read(Duration.ofSeconds(60));
      } catch (ConnectionClosedException e) {
        break; // the peer ended the stream and everything before the end was read
      } catch (IOException e) {
        return "ERROR " + e;
      }
      messages++;
      bytes += m.data().length;
      if (inOrder && (m.id() != messages || m.data().length < 8
          || ByteBuffer.wrap(m.data()).order(ByteOrder.LITTLE_ENDIAN).getLong(0) != messages)) {
        inOrder = false;
      }
      if (messages % drainSampleEvery == 0) {
        maxLiveHeap = Math.max(maxLiveHeap, liveHeap());
      }
    }
    return "DRAIN messages=" + messages + " bytes=" + bytes + " inOrder=" + (inOrder ? 1 : 0)
        + " maxLiveHeap=" + maxLiveHeap;
  }

  private void sample() {
    peakNioDirect.accumulateAndGet(DIRECT_POOL.getMemoryUsed(), Math::max);
    peakNettyDirect.accumulateAndGet(nettyDirect(), Math::max);
    peakHeapUsed.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
  }

  private static long nettyDirect() {
    ByteBufAllocator a = ByteBufAllocator.DEFAULT;
    return a instanceof ByteBufAllocatorMetricProvider
        ? ((ByteBufAllocatorMetricProvider) a).metric().usedDirectMemory() : -1;
  }

  /**
   * Heap in use after full collections: what live objects take. Each collection is confirmed by
   * a weak reference being cleared, as {@code System.gc()} is only a request.
   */
  static long liveHeap() throws InterruptedException {
    for (int i = 0; i < 2; i++) {
      ReferenceQueue<Object> queue = new ReferenceQueue<>();
      WeakReference<Object> canary = new WeakReference<>(new Object(), queue);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      do {
        MEMORY.gc();
      } while (queue.remove(100) == null && System.nanoTime() < deadline);
      canary.clear();
    }
    return MEMORY.getHeapMemoryUsage().getUsed();
  }
}
