package dev.ftcp;

import dev.ftcp.testing.NettyLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ftcp.testing.Pair;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PROTOCOL.md §4 "Writing", over real loopback sockets. */
@Timeout(60)
class WriteTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();


  /**
   * A write races the event loop's drain: the drain clears its "scheduled" flag and then looks
   * at the queue, the writer publishes and then looks at the flag. Each must see the other's
   * store, or the message waits in the queue until the next write. Lock-step ping-pong from both
   * ends has no next write, so a lost wake-up shows as a read that times out. The window is a
   * store still in the writer's store buffer, nanoseconds wide: this test catches it only by
   * chance (it did not in two runs before the fix), and guards the ordering against regressions.
   */
  @Test
  void lockStepPingPongNeverLeavesAMessageInTheQueue() throws Exception {
    int rounds = 20_000;
    try (Pair p = Pair.open(); Reader client = p.client.reader();
        Reader server = p.server.reader()) {
      byte[] body = new byte[8];
      for (int i = 0; i < rounds; i++) {
        p.client.write(Message.of(body));
        Message q = server.read(Duration.ofSeconds(5));
        p.server.write(q.reply(body));
        assertThat(client.read(Duration.ofSeconds(5)).repId()).isEqualTo(q.id());
      }
    }
  }

  @Test
  void idsAreAssignedFromOneAndExplicitIdsDoNotMoveTheCounter() throws Exception {
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      assertThat(p.client.write(Message.of("a"))).isEqualTo(1);
      assertThat(p.client.write(new Message(59, 0, "x".getBytes(StandardCharsets.UTF_8))))
          .isEqualTo(59);
      assertThat(p.client.write(Message.of("b"))).isEqualTo(2);
      assertThat(r.read().id()).isEqualTo(1);
      assertThat(r.read().id()).isEqualTo(59);
      Message b = r.read();
      assertThat(b.id()).isEqualTo(2);
      assertThat(b.repId()).isZero();
      assertThat(b.text()).isEqualTo("b");
    }
  }

  @Test
  void orderIsKeptAcrossManyWritesFromOneThread() throws Exception {
    int n = 50_000;
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < n; i++) {
          try {
            p.client.write(Message.of(Integer.toString(i)));
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        }
      });
      for (int i = 0; i < n; i++) {
        Message m = r.read(Duration.ofSeconds(10));
        assertThat(m.text()).isEqualTo(Integer.toString(i));
        assertThat(m.id()).isEqualTo(i + 1);
      }
      writer.get();
    }
  }

  @Test
  void eachWriterThreadsMessagesKeepTheirOrder() throws Exception {
    int threads = 4;
    int perThread = 5_000;
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      List<CompletableFuture<Void>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        writers.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < perThread; i++) {
            try {
              p.client.write(Message.of(id + ":" + i));
            } catch (Exception e) {
              throw new RuntimeException(e);
            }
          }
        }, runnable -> new Thread(runnable).start()));
      }
      int[] next = new int[threads];
      for (int k = 0; k < threads * perThread; k++) {
        String[] parts = r.read(Duration.ofSeconds(10)).text().split(":");
        int t = Integer.parseInt(parts[0]);
        assertThat(Integer.parseInt(parts[1])).isEqualTo(next[t]++);
      }
      CompletableFuture.allOf(writers.toArray(new CompletableFuture<?>[0])).get();
      assertThat(next).containsOnly(perThread);
    }
  }

  @Test
  void invalidMessagesAreRefusedAndNothingIsQueued() throws Exception {
    try (Pair p = Pair.open()) {
      assertThatThrownBy(() -> p.client.write(null))
          .isInstanceOf(NullPointerException.class).hasMessage("msg");
      assertThatThrownBy(() -> p.client.write(Message.of(new byte[65520])))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65520");
      assertThatThrownBy(() -> p.client.write(new Message(1L << 56, 0, new byte[0])))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ID");
      assertThatThrownBy(() -> p.client.write(new Message(1, -1, new byte[0])))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RepID");
      assertThat(p.client.stats().queued()).isZero();
      // The largest legal frame goes through, and the sequence was not advanced by refusals.
      try (Reader r = p.server.reader()) {
        assertThat(p.client.write(Message.of(new byte[65519]))).isEqualTo(1);
        assertThat(p.client.write(new Message(Message.MAX_ID, Message.MAX_ID, new byte[0])))
            .isEqualTo(Message.MAX_ID);
        assertThat(r.read().data()).hasSize(65519);
        assertThat(r.read().repId()).isEqualTo(Message.MAX_ID);
      }
    }
  }

  @Test
  void writeBlocksWhileTheQueueIsFullAndResumesWhenItDrains() throws Exception {
    Options client = Options.builder().writeQueueDepth(8).build();
    Options server = Options.builder().readerBufferDepth(2).build();
    try (Pair p = Pair.open(client, server); Reader r = p.server.reader()) {
      byte[] big = new byte[60_000];
      ParkingWriter writer = ParkingWriter.startAndAwaitParked(p, 200, i -> big, 8);
      long stuckAt = writer.written.get();
      assertThat(stuckAt).isLessThan(200);
      assertThat(p.server.stats().messagesIn()).isLessThan(200);
      for (int i = 0; i < 200; i++) {
        assertThat(r.read(Duration.ofSeconds(10)).data()).hasSize(60_000);
      }
      writer.assertAllWritten();
    }
  }

  /**
   * Batches the socket could not take stay queued in the channel while later ones are encoded:
   * no later batch may be encoded into the memory of one still queued. Small payloads of many
   * sizes, each with its own bytes, make many batches of many lengths; the reader starts only
   * once the socket is full and the writer parked, then checks every byte. (A build that reused
   * one batch buffer per I/O thread whether or not a write still held it failed here at the
   * first message.)
   */
  @Test
  void batchesQueuedInAFullSocketKeepTheirBytes() throws Exception {
    int n = 60_000;
    Options client = Options.builder().writeQueueDepth(1024).build();
    Options server = Options.builder().readerBufferDepth(2).build();
    try (Pair p = Pair.open(client, server); Reader r = p.server.reader()) {
      ParkingWriter writer = ParkingWriter.startAndAwaitParked(p, n, WriteTest::payload, 1024);
      for (int i = 0; i < n; i++) {
        Message m = r.read(Duration.ofSeconds(10));
        assertThat(m.id()).isEqualTo(i + 1);
        assertThat(m.data()).as("message %d", i).isEqualTo(payload(i));
      }
      writer.assertAllWritten();
    }
  }

  private static byte[] payload(int i) {
    byte[] b = new byte[1 + i % 301];
    for (int k = 0; k < b.length; k++) {
      b[k] = (byte) (i * 31 + k);
    }
    return b;
  }

  /** A thread that writes {@code n} messages on the client, counting them and keeping a failure. */
  private static final class ParkingWriter extends Thread {
    final AtomicLong written = new AtomicLong();
    final AtomicReference<Throwable> failed = new AtomicReference<>();
    private final Conn conn;
    private final int n;
    private final IntFunction<byte[]> payload;

    private ParkingWriter(Conn conn, int n, IntFunction<byte[]> payload) {
      super("parking-writer");
      this.conn = conn;
      this.n = n;
      this.payload = payload;
    }

    /**
     * Starts one and waits until it parks on the client's full write queue of {@code depth}: the
     * server's reader is not read, so its socket reading pauses, the kernel buffers fill, the
     * client's queue fills and the writer waits for room.
     */
    static ParkingWriter startAndAwaitParked(Pair p, int n, IntFunction<byte[]> payload,
        int depth) {
      ParkingWriter w = new ParkingWriter(p.client, n, payload);
      w.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> w.failed.get() != null
          || (w.getState() == Thread.State.WAITING && p.client.stats().queued() == depth));
      assertThat(w.failed.get()).isNull();
      return w;
    }

    @Override
    public void run() {
      try {
        for (int i = 0; i < n; i++) {
          conn.write(Message.of(payload.apply(i)));
          written.incrementAndGet();
        }
      } catch (Throwable t) {
        failed.set(t);
      }
    }

    /** Once everything was read: the writer finished, wrote all {@code n} and threw nothing. */
    void assertAllWritten() throws InterruptedException {
      join(10_000);
      assertThat(failed.get()).isNull();
      assertThat(isAlive()).isFalse();
      assertThat(written.get()).isEqualTo(n);
    }
  }
}
