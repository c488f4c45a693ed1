package dev.ftcp;

import static dev.ftcp.testing.HostileSummary.size;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ftcp.testing.HostileSummary;
import dev.ftcp.testing.KernelSockets;
import dev.ftcp.testing.KernelSockets.Connections;
import dev.ftcp.testing.NettyLeakCheck;
import dev.ftcp.testing.ServerProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md §13 "Malformed or hostile input" and §11 "Server limits": what hostile peers can
 * make a server hold, measured in a server JVM of its own ({@link ServerProcess}) with a small
 * heap, so that the figures are the server's alone (not the test's sockets, not the paranoid
 * leak detector of the test JVM). Each figure is printed and written to
 * {@code target/hostile-summary.txt}.
 *
 * <p>Assertions are on memory and counts, never on time: the latencies of the well-behaved
 * client are reported, not asserted.
 */
@Timeout(180)
class HostileMemoryIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  /** The server JVM: small enough that a leak of a few hundred bytes per message runs it out. */
  private static final List<String> SMALL_JVM = List.of(
      "-Xmx48m", "-XX:MaxDirectMemorySize=32m", "-XX:+ExitOnOutOfMemoryError");
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static final int SILENT = 500;
  private static final int TRICKLING = 200;
  private static final int HALF_FRAMES = 50;
  /** A frame of the largest length (65535) whose bytes a trickler sends one a second. */
  private static final byte[] TRICKLED_FRAME = frame(65535 - 16, 1);

  @Test
  @Timeout(120)
  void silentAndTricklingPeersHoldABoundedShareEachAndOthersAreServedMeanwhile()
      throws Exception {
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    List<Socket> hostile = new ArrayList<>();
    try (ServerProcess server = ServerProcess.start(SMALL_JVM, List.of("mode=echo"));
        Conn good = Ftcp.dial(server.address())) {
      int port = server.port();
      List<Long> warmup = requests(good, 300); // classes loaded and code compiled before measuring
      awaitAccepted(server, 1);
      Map<String, Long> base = server.ask("MEASURE");

      for (int i = 0; i < SILENT; i++) {
        hostile.add(new Socket("127.0.0.1", port));
      }
      awaitAccepted(server, 1 + SILENT);
      Map<String, Long> silent = server.ask("MEASURE");

      List<Socket> tricklers = new ArrayList<>();
      for (int i = 0; i < TRICKLING; i++) {
        tricklers.add(new Socket("127.0.0.1", port));
      }
      hostile.addAll(tricklers);
      AtomicInteger sent = new AtomicInteger(); // bytes each trickler has sent
      AtomicReference<IOException> trickleFailure = new AtomicReference<>();
      pacer.scheduleAtFixedRate(() -> {
        int i = sent.get();
        for (Socket t : tricklers) {
          try {
            t.getOutputStream().write(TRICKLED_FRAME[i]);
          } catch (IOException e) {
            trickleFailure.compareAndSet(null, e);
          }
        }
        sent.incrementAndGet();
      }, 0, 1, TimeUnit.SECONDS);
      awaitAccepted(server, 1 + SILENT + TRICKLING);
      // The header and a first byte of the ID slot are in, and the server has read them all.
      await().atMost(WAIT).until(() -> sent.get() >= 3
          && KernelSockets.at(port).equals(new Connections(1 + SILENT + TRICKLING, 0)));
      Map<String, Long> trickling = server.ask("MEASURE");
      List<Long> latencies = requests(good, 200); // while 700 hostile peers are connected
      assertThat(trickleFailure.get()).as("a trickler's connection failed").isNull();
      assertThat(server.ask("COUNT").get("open")).isEqualTo(1 + SILENT + TRICKLING);

      // Peers that sent all of a largest frame but its last byte: what a slowloris can pin.
      for (int i = 0; i < HALF_FRAMES; i++) {
        Socket s = new Socket("127.0.0.1", port);
        hostile.add(s);
        OutputStream out = s.getOutputStream();
        out.write(TRICKLED_FRAME, 0, TRICKLED_FRAME.length - 1);
        out.flush();
      }
      awaitAccepted(server, 1 + SILENT + TRICKLING + HALF_FRAMES);
      await().atMost(WAIT).until(() -> KernelSockets.at(port)
          .equals(new Connections(1 + SILENT + TRICKLING + HALF_FRAMES, 0)));
      Map<String, Long> halfFrames = server.ask("MEASURE");
      assertThat(server.ask("COUNT").get("open")).isEqualTo(1 + SILENT + TRICKLING + HALF_FRAMES);

      double heapPerSilent = (double) (silent.get("heap") - base.get("heap")) / SILENT;
      double heapPerTrickler = (double) (trickling.get("heap") - silent.get("heap")) / TRICKLING;
      // Direct memory as Netty's allocator counts it: on JDK 17 its buffers are also in the
      // JVM's direct pool, on JDK 25 they are not (Netty then counts and limits them itself).
      double directPerTrickler =
          (double) (trickling.get("nettyDirect") - silent.get("nettyDirect")) / TRICKLING;
      double heapPerHalfFrame =
          (double) (halfFrames.get("heap") - trickling.get("heap")) / HALF_FRAMES;
      double directPerHalfFrame =
          (double) (halfFrames.get("nettyDirect") - trickling.get("nettyDirect")) / HALF_FRAMES;
      System.out.printf("base %s%nsilent %s%ntrickling %s%nhalf frames %s%n",
          base, silent, trickling, halfFrames);
      HostileSummary.record("idle.heapPerSilentPeer", size(heapPerSilent)
          + " of server heap per connection that sends nothing (" + SILENT + " at once,"
          + " each served by readAsync)");
      HostileSummary.record("idle.heapPerTrickler", size(heapPerTrickler)
          + " of server heap per connection trickling a frame header at 1 byte/s ("
          + TRICKLING + " at once)");
      HostileSummary.record("idle.directPerTrickler", size(directPerTrickler)
          + " of direct memory per trickling connection (Netty's allocator, " + TRICKLING
          + " at once)");
      HostileSummary.record("idle.perHalfFramePeer", size(heapPerHalfFrame) + " heap + "
          + size(directPerHalfFrame) + " direct per connection that sent all but the last byte"
          + " of a 65535-byte frame (" + HALF_FRAMES + " at once): the most one peer pins,"
          + " bounded by maxFrameLength");
      HostileSummary.record("idle.threads", "no thread per connection: ftcp-io threads "
          + base.get("ioThreads") + " -> " + halfFrames.get("ioThreads") + ", other threads "
          + base.get("otherThreads") + " -> " + halfFrames.get("otherThreads")
          + " (callback pool " + base.get("callbackThreads") + " -> "
          + halfFrames.get("callbackThreads") + ", at most " + base.get("callbackParallelism")
          + ") with " + hostile.size() + " hostile connections open");
      HostileSummary.record("idle.goodClientLatency", "request/reply of a well-behaved client"
          + " while " + (SILENT + TRICKLING) + " silent and trickling peers are connected: "
          + percentiles(latencies) + " (before them: " + percentiles(warmup) + ")");

      // No thread per connection: the I/O threads are the same, other threads as many (give or
      // take one the JDK starts on its own), and the callback executor (the common pool, which
      // the echo server uses) stays within its size.
      assertThat(halfFrames.get("ioThreads")).isEqualTo(base.get("ioThreads"));
      assertThat(halfFrames.get("otherThreads")).isLessThanOrEqualTo(base.get("otherThreads") + 2);
      assertThat(halfFrames.get("callbackThreads"))
          .isLessThanOrEqualTo(base.get("callbackParallelism"));
      // A few KiB each (see the summary for the figures); the bounds leave room for other JDKs.
      assertThat(heapPerSilent).isLessThan(16 * 1024);
      assertThat(heapPerTrickler).isLessThan(16 * 1024);
      assertThat(directPerTrickler).isLessThan(16 * 1024);
      // A frame is buffered whole before it is decoded, in a buffer that at most doubles as it
      // grows: what one peer can pin is bounded by maxFrameLength, not by what it sends.
      assertThat(heapPerHalfFrame + directPerHalfFrame).isLessThan(2 * (65535 + 2) + 16 * 1024);
      pacer.shutdownNow();
      closeAll(hostile);
      assertThat(server.quit()).as("server exit status" + server.diagnostics()).isZero();
    } finally {
      pacer.shutdownNow();
      closeAll(hostile);
    }
  }

  @Test
  @Timeout(150)
  void aPeerFloodingFasterThanTheServerReadsCannotGrowItsMemoryPastTheBuffers() throws Exception {
    int depth = 256;
    int payload = 32 * 1024;
    int frameLength = 2 + 16 + payload;
    // 1 GiB by default, 20 times the server's heap; -Dftcp.hostile.floodBytes=... for more.
    long messages = Long.getLong("ftcp.hostile.floodBytes", 1L << 30) / frameLength;
    ExecutorService writer = Executors.newSingleThreadExecutor();
    List<Socket> closeLater = new ArrayList<>();
    try (ServerProcess server = ServerProcess.start(SMALL_JVM,
            List.of("mode=hold", "readerBufferDepth=" + depth, "drainSampleEvery=4096"));
        Socket warmup = new Socket("127.0.0.1", server.port())) {
      int port = server.port();
      // The read path runs once before the baseline, so that what it creates once is in it:
      // half a buffer's worth, which the unread reader takes without pausing.
      awaitAccepted(server, 1);
      int warmupMessages = depth / 2;
      CompletableFuture<Long> warm = CompletableFuture.supplyAsync(
          () -> flood(warmup, payload, warmupMessages), writer);
      assertThat(warm.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(warmupMessages);
      assertThat(server.ask("DRAIN 0").get("messages")).isEqualTo(warmupMessages);
      Map<String, Long> base = server.ask("MEASURE");

      Socket flooder = new Socket("127.0.0.1", port);
      closeLater.add(flooder);
      awaitAccepted(server, 2);
      long start = System.nanoTime();
      CompletableFuture<Long> flood =
          CompletableFuture.supplyAsync(() -> flood(flooder, payload, messages), writer);

      // The reader does not read: once its buffer is full the server stops reading the socket,
      // the kernel's buffers fill, and the flooder blocks.
      AtomicLong lastIn = new AtomicLong(-1);
      await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
        long in = server.ask("COUNT").get("messagesIn") - warmupMessages;
        return in >= depth && in == lastIn.getAndSet(in) && KernelSockets.at(port).unread() > 0;
      });
      Map<String, Long> paused = server.ask("MEASURE");
      long receivedWhilePaused = server.ask("COUNT").get("messagesIn") - warmupMessages;
      long unreadInKernel = KernelSockets.at(port).unread();
      assertThat(flood).as("the flooder is held back by TCP").isNotDone();

      // Now the reader reads, and the flood goes on to its end.
      Map<String, Long> drained = server.ask("DRAIN 1");
      long written = flood.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Long> peaks = server.ask("PEAKS");
      System.out.printf("base %s%npaused %s (messagesIn %d, unread in kernel %d)%ndrained %s%n"
          + "peaks %s%n", base, paused, receivedWhilePaused, unreadInKernel, drained, peaks);

      // The reader's buffer, one socket read (64 KiB) beyond it, each message's payload and a
      // little more (its Message, its array's header, its slot); and 2 MiB for whatever else the
      // process holds at that moment (measured at under 0.5 MiB).
      long bufferBound = (depth + 65536L / frameLength + 1) * (payload + 256) + (2 << 20);
      long pausedHeap = paused.get("heap") - base.get("heap");
      long drainingHeap = drained.get("maxLiveHeap") - base.get("heap");
      HostileSummary.record("flood.setup", "a raw socket floods " + size((double) written
          * frameLength) + " (" + written + " frames of " + size(payload) + ") at a server whose"
          + " JVM has -Xmx48m -XX:MaxDirectMemorySize=32m, readerBufferDepth " + depth
          + "; first its reader does not read, then it reads everything ("
          + String.format("%.0f MB/s", written * (double) frameLength / seconds / 1e6)
          + " on this machine, not asserted)");
      HostileSummary.record("flood.paused", "reader not reading: " + receivedWhilePaused
          + " messages taken in (readerBufferDepth " + depth + "), live heap +"
          + size(pausedHeap) + " (readerBufferDepth x payload = " + size((double) depth * payload)
          + "), the rest (" + size(unreadInKernel) + ") left unread in the kernel");
      HostileSummary.record("flood.draining", "reader reading: largest live heap measured +"
          + size(drainingHeap) + "; peak direct memory " + size(peaks.get("nettyDirect"))
          + " (Netty's allocator; JVM direct pool " + size(peaks.get("nioDirect")) + "); peak"
          + " heap in use, garbage included, " + size(peaks.get("heapUsed")) + "; no"
          + " OutOfMemoryError; all " + written + " messages delivered in order");

      assertThat(drained.get("messages")).isEqualTo(written);
      assertThat(drained.get("inOrder")).isEqualTo(1);
      // Reading pauses before the next socket read: at most one read's worth of frames (64 KiB)
      // beyond the buffer's depth.
      assertThat(receivedWhilePaused).isBetween((long) depth, depth + 65536L / frameLength + 2);
      assertThat(pausedHeap).isLessThan(bufferBound);
      assertThat(drainingHeap).isLessThan(bufferBound);
      // Direct memory holds one socket read and one frame being assembled per connection, in
      // chunks Netty's allocator reserves per I/O thread: a few MiB whatever the flood. More
      // than 32 MiB (MaxDirectMemorySize) is refused, by the JVM or by Netty, which would fail
      // the connection and the count above.
      assertThat(peaks.get("nettyDirect")).isLessThan(16 << 20);
      assertThat(peaks.get("nioDirect")).isLessThan(16 << 20);
      assertThat(server.quit()).as("server exit status" + server.diagnostics()).isZero();
      assertThat(server.standardError())
          .doesNotContain("OutOfMemoryError").doesNotContain("OutOfDirectMemoryError");
    } finally {
      closeAll(closeLater);
      writer.shutdownNow();
    }
  }

  /**
   * Writes {@code messages} frames with IDs 1, 2, 3... as fast as the socket takes them, then
   * ends the stream; returns how many were written.
   */
  private static long flood(Socket s, int payload, long messages) {
    try {
      return writeFrames(s, payload, messages);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long writeFrames(Socket s, int payload, long messages) throws IOException {
    int frameLength = 2 + 16 + payload;
    int perWrite = 32;
    byte[] chunk = new byte[frameLength * perWrite];
    byte[] one = frame(payload, 0);
    for (int i = 0; i < perWrite; i++) {
      System.arraycopy(one, 0, chunk, i * frameLength, frameLength);
    }
    OutputStream out = s.getOutputStream();
    long id = 0;
    while (id < messages) {
      int n = (int) Math.min(perWrite, messages - id);
      for (int i = 0; i < n; i++) {
        putFrameId(chunk, i * frameLength, payload, ++id);
      }
      out.write(chunk, 0, n * frameLength);
    }
    s.shutdownOutput();
    return id;
  }

  // -----------------------------------------------------------------------------------------

  /** Sends {@code n} requests one at a time; returns each one's time in microseconds. */
  private static List<Long> requests(Conn c, int n) throws IOException {
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] payload = ("ping " + i).getBytes(StandardCharsets.UTF_8);
      long start = System.nanoTime();
      Message reply = c.request(Message.of(payload), Duration.ofSeconds(30));
      micros.add((System.nanoTime() - start) / 1000);
      assertThat(reply.data()).isEqualTo(payload);
    }
    return micros;
  }

  private static String percentiles(List<Long> micros) {
    long[] s = micros.stream().mapToLong(Long::longValue).sorted().toArray();
    return String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d",
        s[s.length / 2] / 1000.0, s[(int) (s.length * 0.99)] / 1000.0,
        s[s.length - 1] / 1000.0, s.length);
  }

  private static void closeAll(List<Socket> sockets) throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  private static void awaitAccepted(ServerProcess server, int n) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> server.ask("COUNT").get("accepted") >= n);
  }

  /**
   * One frame in the wire format: 2-byte little-endian length, the ID as a varint in an 8-byte
   * slot, an empty RepID slot, and a payload of {@code payloadLength} bytes whose first 8 are
   * the ID, little-endian.
   */
  static byte[] frame(int payloadLength, long id) {
    byte[] f = new byte[2 + 16 + payloadLength];
    int n = 16 + payloadLength;
    f[0] = (byte) n;
    f[1] = (byte) (n >>> 8);
    putFrameId(f, 0, payloadLength, id);
    return f;
  }

  /** Writes {@code id} into the frame at {@code offset}: its ID slot and its payload's start. */
  static void putFrameId(byte[] buf, int offset, int payloadLength, long id) {
    int slot = offset + 2;
    Arrays.fill(buf, slot, slot + 8, (byte) 0);
    long v = id;
    int i = slot;
    while (v >= 0x80) {
      buf[i++] = (byte) (v | 0x80);
      v >>>= 7;
    }
    buf[i] = (byte) v;
    if (payloadLength >= 8) {
      for (int b = 0; b < 8; b++) {
        buf[offset + 18 + b] = (byte) (id >>> (8 * b));
      }
    }
  }
}
