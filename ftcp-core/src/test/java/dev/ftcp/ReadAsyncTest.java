package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ftcp.testing.NettyLeakCheck;
import dev.ftcp.testing.Pair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reader.readAsync: reading without holding a thread. */
@Timeout(30)
class ReadAsyncTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  @Test
  void manyOutstandingAsyncReadsTakeMessagesInArrivalOrderOffTheIoThreads() throws Exception {
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      List<CompletableFuture<Message>> reads = new ArrayList<>();
      List<CompletableFuture<String>> threads = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        CompletableFuture<Message> f = r.readAsync();
        reads.add(f);
        threads.add(f.thenApply(m -> Thread.currentThread().getName()));
      }
      for (int i = 0; i < 50; i++) {
        p.client.write(Message.of("m" + i));
      }
      for (int i = 0; i < 50; i++) {
        assertThat(reads.get(i).get(10, TimeUnit.SECONDS).text()).isEqualTo("m" + i);
        assertThat(threads.get(i).get()).doesNotStartWith("ftcp-io-");
      }
    }
  }

  @Test
  void asyncAndBlockingReadsShareOneReaderInOrder() throws Exception {
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      for (int i = 0; i < 200; i++) {
        p.client.write(Message.of(Integer.toString(i)));
      }
      for (int i = 0; i < 200; i += 2) {
        assertThat(r.readAsync().get(10, TimeUnit.SECONDS).text()).isEqualTo(Integer.toString(i));
        assertThat(r.read(Duration.ofSeconds(10)).text()).isEqualTo(Integer.toString(i + 1));
      }
      // Messages already buffered are returned at once; then a pending read gets the next one.
      p.client.write(Message.of("buffered"));
      await().atMost(Duration.ofSeconds(5)).until(() -> p.server.stats().messagesIn() == 201);
      assertThat(r.readAsync().get(5, TimeUnit.SECONDS).text()).isEqualTo("buffered");
      CompletableFuture<Message> next = r.readAsync();
      p.client.write(Message.of("later"));
      assertThat(next.get(5, TimeUnit.SECONDS).text()).isEqualTo("later");
    }
  }

  @Test
  void closingTheReaderFailsItsPendingAsyncReads() throws Exception {
    try (Pair p = Pair.open()) {
      Reader r = p.server.reader();
      CompletableFuture<Message> pending = r.readAsync();
      r.close();
      assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(ConnectionClosedException.class);
      assertThatThrownBy(() -> r.readAsync().get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ConnectionClosedException.class);
    }
  }

  @Test
  void theEndOfTheConnectionFailsPendingAsyncReadsAfterDeliveringWhatCameFirst()
      throws Exception {
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      CompletableFuture<Message> first = r.readAsync();
      CompletableFuture<Message> second = r.readAsync();
      p.client.write(Message.of("last words"));
      p.client.close();
      assertThat(first.get(5, TimeUnit.SECONDS).text()).isEqualTo("last words");
      assertThatThrownBy(() -> second.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(ConnectionClosedException.class);
      assertThatThrownBy(() -> r.readAsync().get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ConnectionClosedException.class);
    }
  }

  /**
   * Races the hand-over: a chain of asynchronous reads (each issued when the last completes, as
   * a server without a thread per connection reads) and a blocking reader thread share one
   * reader while a writer floods it through a small buffer, so socket reads pause and resume,
   * the event loop often finds the take lock held, and reads register while batches land. Every
   * message must arrive exactly once, each side in order, and neither side may stall.
   */
  @Test
  @Timeout(60)
  void asyncChainAndBlockingReaderRacingOnAFloodLoseNothing() throws Exception {
    int total = 100_000;
    Options server = Options.builder().readerBufferDepth(16).build();
    java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
    try (Pair p = Pair.open(Options.defaults(), server); Reader r = p.server.reader()) {
      List<Integer> asyncSeen = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Integer> blockingSeen = new ArrayList<>();
      java.util.concurrent.atomic.AtomicInteger delivered = new java.util.concurrent.atomic.AtomicInteger();
      CompletableFuture<Void> asyncDone = new CompletableFuture<>();
      chain(r, asyncSeen, delivered, total, asyncDone);
      CompletableFuture<Void> blocking = CompletableFuture.runAsync(() -> {
        while (delivered.get() < total) {
          try {
            Message m = r.read(Duration.ofMillis(50));
            blockingSeen.add(Integer.parseInt(m.text()));
            delivered.incrementAndGet();
          } catch (FtcpTimeoutException e) {
            // the asynchronous side is taking a run of messages: look again
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }, thread); // its own thread, not one of the callback executor's
      for (int i = 0; i < total; i++) {
        p.client.write(Message.of(Integer.toString(i)));
      }
      await().atMost(Duration.ofSeconds(45)).until(() -> delivered.get() == total);
      blocking.get(10, TimeUnit.SECONDS);
      java.util.Set<Integer> all = new java.util.HashSet<>();
      all.addAll(asyncSeen);
      all.addAll(blockingSeen);
      assertThat(asyncSeen.size() + blockingSeen.size()).isEqualTo(total);
      assertThat(all).hasSize(total);
      assertThat(asyncSeen).isSorted();
      assertThat(blockingSeen).isSorted();
      assertThat(asyncSeen).isNotEmpty();
    } finally {
      thread.shutdownNow();
    }
  }

  /**
   * Only asynchronous reads on a flood through a small buffer: reading pauses whenever the
   * buffer fills, so a read that registered just as a message slipped in would find nothing
   * more arriving to wake it. Every message must arrive once and in order.
   */
  @Test
  @Timeout(60)
  void anAsyncChainAloneOnAFloodThroughASmallBufferNeverStalls() throws Exception {
    int total = 100_000;
    Options server = Options.builder().readerBufferDepth(4).build();
    try (Pair p = Pair.open(Options.defaults(), server); Reader r = p.server.reader()) {
      List<Integer> seen = java.util.Collections.synchronizedList(new ArrayList<>());
      java.util.concurrent.atomic.AtomicInteger delivered = new java.util.concurrent.atomic.AtomicInteger();
      CompletableFuture<Void> done = new CompletableFuture<>();
      chain(r, seen, delivered, total, done);
      for (int i = 0; i < total; i++) {
        p.client.write(Message.of(Integer.toString(i)));
      }
      done.get(45, TimeUnit.SECONDS);
      assertThat(seen).hasSize(total).isSorted();
      assertThat(seen.get(total - 1)).isEqualTo(total - 1);
    }
  }

  /**
   * Reads asynchronously until {@code total} messages are delivered in all: each read is issued
   * when the one before completes. Reads that complete at once are taken in a loop, not by
   * recursion, which a long run of buffered messages would overflow the stack with.
   */
  private static void chain(Reader r, List<Integer> seen,
      java.util.concurrent.atomic.AtomicInteger delivered, int total, CompletableFuture<Void> done) {
    while (delivered.get() < total) {
      CompletableFuture<Message> f = r.readAsync();
      if (!f.isDone()) {
        f.whenComplete((m, e) -> {
          if (e != null) {
            done.completeExceptionally(e);
          } else if (record(m, seen, delivered, total, done)) {
            chain(r, seen, delivered, total, done);
          }
        });
        return;
      }
      if (!record(f.join(), seen, delivered, total, done)) {
        return;
      }
    }
  }

  /** Records one asynchronously read message; false once all have been delivered. */
  private static boolean record(Message m, List<Integer> seen,
      java.util.concurrent.atomic.AtomicInteger delivered, int total, CompletableFuture<Void> done) {
    seen.add(Integer.parseInt(m.text()));
    if (delivered.incrementAndGet() < total) {
      return true;
    }
    done.complete(null);
    return false;
  }
}
