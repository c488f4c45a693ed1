package dev.ftcp;

import dev.ftcp.testing.NettyLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ftcp.testing.Pair;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PROTOCOL.md §5 "Reading", over real loopback sockets. */
@Timeout(60)
class ReadTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();


  @Test
  void everyOpenReaderReceivesEveryMessageInOrder() throws Exception {
    try (Pair p = Pair.open();
        Reader a = p.server.reader();
        Reader b = p.server.reader();
        Reader c = p.server.reader()) {
      for (int i = 0; i < 500; i++) {
        p.client.write(Message.of("m" + i));
      }
      for (Reader r : new Reader[] {a, b, c}) {
        for (int i = 0; i < 500; i++) {
          assertThat(r.read(Duration.ofSeconds(5)).text()).isEqualTo("m" + i);
        }
      }
    }
  }

  @Test
  void aClosedReaderNoLongerReceivesAndOthersGoOn() throws Exception {
    try (Pair p = Pair.open(); Reader a = p.server.reader()) {
      Reader b = p.server.reader();
      p.client.write(Message.of("both"));
      assertThat(b.read(Duration.ofSeconds(5)).text()).isEqualTo("both");
      b.close();
      assertThatThrownBy(b::read).isInstanceOf(ConnectionClosedException.class)
          .hasMessageContaining("reader is closed");
      p.client.write(Message.of("only a"));
      assertThat(a.read(Duration.ofSeconds(5)).text()).isEqualTo("both");
      assertThat(a.read(Duration.ofSeconds(5)).text()).isEqualTo("only a");
    }
  }

  @Test
  void nothingIsDroppedForWantOfAReader() throws Exception {
    try (Pair p = Pair.open()) {
      for (int i = 0; i < 100; i++) {
        p.client.write(Message.of("early" + i));
      }
      // Every message has arrived before any reader exists: the original would drop them all.
      await().atMost(Duration.ofSeconds(10)).until(() -> p.server.stats().messagesIn() == 100);
      try (Reader r = p.server.reader()) {
        for (int i = 0; i < 100; i++) {
          assertThat(r.read(Duration.ofSeconds(5)).text()).isEqualTo("early" + i);
        }
        p.client.write(Message.of("later"));
        assertThat(r.read(Duration.ofSeconds(5)).text()).isEqualTo("later");
      }
    }
  }

  @Test
  void aSlowReaderPausesSocketReadingAndMemoryStaysBounded() throws Exception {
    int depth = 50;
    int total = 20_000;
    Options server = Options.builder().readerBufferDepth(depth).build();
    try (Pair p = Pair.open(Options.defaults(), server);
        Reader fast = p.server.reader();
        Reader slow = p.server.reader()) {
      byte[] payload = new byte[1000];
      AtomicLong written = new AtomicLong();
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; i < total; i++) {
            p.client.write(Message.of(payload));
            written.incrementAndGet();
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }, runnable -> new Thread(runnable).start());
      // The fast reader keeps up, the slow one reads nothing: reading must pause once the slow
      // reader's buffer is full, so the server holds a bounded number of messages and the
      // client's writer ends up blocked on its full queue.
      CompletableFuture<Integer> fastDone = CompletableFuture.supplyAsync(() -> {
        int n = 0;
        try {
          while (n < total) {
            fast.read(Duration.ofSeconds(30));
            n++;
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
        return n;
      }, runnable -> new Thread(runnable).start());
      await().atMost(Duration.ofSeconds(20))
          .until(() -> p.client.stats().queued() == Ftcp.DEFAULT_WRITE_QUEUE_DEPTH);
      long received = p.server.stats().messagesIn();
      // One socket read (at most 64 KiB: 64 frames of 1018 bytes) may land beyond the depth.
      assertThat(received).isLessThanOrEqualTo(depth + 64 + 1);
      assertThat(written.get()).isLessThan(total);
      for (int i = 0; i < total; i++) {
        slow.read(Duration.ofSeconds(10));
      }
      writer.get();
      assertThat(fastDone.get()).isEqualTo(total);
      assertThat(p.server.stats().messagesIn()).isEqualTo(total);
    }
  }

  @Test
  void readWithTimeoutThrowsFtcpTimeoutAndTheReaderStaysUsable() throws Exception {
    try (Pair p = Pair.open(); Reader r = p.server.reader()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> r.read(Duration.ofMillis(200)))
          .isInstanceOf(FtcpTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(
          Duration.ofMillis(200));
      p.client.write(Message.of("after"));
      assertThat(r.read(Duration.ofSeconds(5)).text()).isEqualTo("after");
    }
  }

  @Test
  void severalThreadsReadingOneReaderShareItsMessages() throws Exception {
    try (Pair p = Pair.open()) {
      Reader r = p.server.reader();
      int n = 10_000;
      AtomicLong got = new AtomicLong();
      CompletableFuture<?>[] readers = new CompletableFuture<?>[3];
      for (int t = 0; t < readers.length; t++) {
        readers[t] = CompletableFuture.runAsync(() -> {
          try {
            for (;;) {
              r.read(Duration.ofSeconds(30));
              got.incrementAndGet();
            }
          } catch (ConnectionClosedException e) {
            // the reader was closed: every message has been taken
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        }, runnable -> new Thread(runnable).start());
      }
      for (int i = 0; i < n; i++) {
        p.client.write(Message.of("x"));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> got.get() >= n);
      r.close();
      CompletableFuture.allOf(readers).get();
      assertThat(got.get()).isEqualTo(n);
    }
  }
}
