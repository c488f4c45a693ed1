package dev.ftcp;

import dev.ftcp.testing.NettyLeakCheck;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.testing.Pair;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Application code on an ftcp I/O thread: the only way it gets there is a direct callback
 * executor, which these tests use. Calls that would wait throw, since waiting would deadlock
 * the thread waited for; writes queue while there is room.
 */
@Timeout(30)
class IoThreadTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  @SuppressWarnings("try") // the connection is only dialed, for the callbacks to run
  void blockingCallsOnAnIoThreadThrowIllegalState() throws Exception {
    CompletableFuture<String> thread = new CompletableFuture<>();
    CompletableFuture<Throwable> read = new CompletableFuture<>();
    CompletableFuture<Throwable> request = new CompletableFuture<>();
    CompletableFuture<Throwable> accept = new CompletableFuture<>();
    CompletableFuture<Throwable> dial = new CompletableFuture<>();
    CompletableFuture<Throwable> listen = new CompletableFuture<>();
    try (Listener l = Ftcp.listen("127.0.0.1:0")) {
      Options direct = Options.builder()
          .callbackExecutor(Runnable::run) // runs callbacks where they arise: the I/O thread
          .stateListener(new ConnStateListener() {
            @Override
            public void connected(Conn c) {
              thread.complete(Thread.currentThread().getName());
              read.complete(caught(() -> c.reader().read()));
              request.complete(caught(() -> c.request(Message.of("x"), Duration.ofSeconds(1))));
              accept.complete(caught(l::accept));
              dial.complete(caught(() -> Ftcp.dial(Pair.address(l))));
              listen.complete(caught(() -> {
                try (Listener another = Ftcp.listen("127.0.0.1:0")) {
                  return another;
                }
              }));
            }
          })
          .build();
      try (Conn c = Ftcp.dial(Pair.address(l), direct)) {
        assertThat(thread.get()).startsWith("ftcp-io-");
        for (CompletableFuture<Throwable> f : List.of(read, request, accept, dial, listen)) {
          assertThat(f.get()).isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("I/O thread");
        }
      }
    }
  }

  /**
   * On the connection's own I/O thread nothing drains the queue until the callback returns, so
   * the fifth write to a queue of four must throw rather than wait; the four queued go out.
   */
  @Test
  void writesOnAnIoThreadQueueWhileThereIsRoomAndThrowWhenTheQueueIsFull() throws Exception {
    CompletableFuture<List<Object>> outcomes = new CompletableFuture<>();
    try (Listener l = Ftcp.listen("127.0.0.1:0")) {
      Options direct = Options.builder()
          .callbackExecutor(Runnable::run)
          .writeQueueDepth(4)
          .stateListener(new ConnStateListener() {
            @Override
            public void connected(Conn c) {
              List<Object> out = new ArrayList<>();
              for (int i = 1; i <= 4; i++) {
                int n = i;
                out.add(caughtOrValue(() -> c.write(Message.of("m" + n))));
              }
              out.add(caughtOrValue(() -> c.write(Message.of("m5"))));
              out.add(caughtOrValue(() -> c.requestAsync(Message.of("r"), WAIT)));
              outcomes.complete(out);
            }
          })
          .build();
      try (Conn c = Ftcp.dial(Pair.address(l), direct);
          Conn server = l.accept(WAIT);
          Reader r = server.reader()) {
        List<Object> out = outcomes.get(10, TimeUnit.SECONDS);
        assertThat(out.subList(0, 4)).containsExactly(1L, 2L, 3L, 4L);
        for (Object full : out.subList(4, 6)) {
          assertThat(full).isInstanceOf(IllegalStateException.class);
          assertThat(((Throwable) full).getMessage())
              .contains("full write queue (4 messages)", "I/O thread");
        }
        for (int i = 1; i <= 4; i++) {
          assertThat(r.read(WAIT).text()).isEqualTo("m" + i);
        }
        // The refused ones were not queued, and the connection goes on working.
        c.write(Message.of("after"));
        assertThat(r.read(WAIT).text()).isEqualTo("after");
      }
    }
  }

  /**
   * What a direct executor is for: a server answering with {@code readAsync} and a client
   * keeping requests in flight with {@code requestAsync}, both entirely on I/O threads. Every
   * request gets its own reply, in a window of 32 chains of 300 requests each.
   */
  @Test
  void directCallbacksChainReadsRepliesAndRequestsOnTheIoThreads() throws Exception {
    Options direct = Options.builder().callbackExecutor(Runnable::run).build();
    int chains = 32;
    int perChain = 300;
    try (Pair p = Pair.open(direct, direct); Reader r = p.server.reader()) {
      Set<String> threads = ConcurrentHashMap.newKeySet();
      echo(p.server, r, threads);
      AtomicInteger wrong = new AtomicInteger();
      List<CompletableFuture<Integer>> done = new ArrayList<>();
      for (int c = 0; c < chains; c++) {
        CompletableFuture<Integer> chain = new CompletableFuture<>();
        done.add(chain);
        request(p.client, c, 0, perChain, chain, wrong, threads);
      }
      for (CompletableFuture<Integer> chain : done) {
        assertThat(chain.get(20, TimeUnit.SECONDS)).isEqualTo(perChain);
      }
      assertThat(wrong).hasValue(0);
      assertThat(threads).isNotEmpty().allMatch(t -> t.startsWith("ftcp-io-"));
      assertThat(p.server.stats().messagesIn()).isEqualTo((long) chains * perChain);
    }
  }

  /** Sends request {@code i} of chain {@code c}; its reply sends the next, from the callback. */
  private static void request(Conn conn, int c, int i, int n, CompletableFuture<Integer> chain,
      AtomicInteger wrong, Set<String> threads) {
    if (i == n) {
      chain.complete(n);
      return;
    }
    String text = c + "/" + i;
    // Asked from the test thread (the first of each chain, or one after a reply that came before
    // its callback was attached), the reply may come first and run the callback right here.
    boolean askedOnIoThread = Thread.currentThread().getName().startsWith("ftcp-io-");
    try {
      conn.requestAsync(Message.of(text), WAIT).whenComplete((reply, e) -> {
        if (e != null) {
          chain.completeExceptionally(e);
          return;
        }
        if (askedOnIoThread) {
          threads.add(Thread.currentThread().getName());
        }
        if (!reply.text().equals(text.toUpperCase())) {
          wrong.incrementAndGet();
        }
        request(conn, c, i + 1, n, chain, wrong, threads);
      });
    } catch (Exception e) {
      chain.completeExceptionally(e);
    }
  }

  /**
   * Answers every message with its text in upper case, reading with readAsync. Called first
   * from the test thread before any message is sent, so every completion runs on an I/O thread.
   */
  private static void echo(Conn conn, Reader r, Set<String> threads) {
    r.readAsync().whenComplete((m, e) -> {
      if (e != null) {
        return; // the end of the test
      }
      threads.add(Thread.currentThread().getName());
      try {
        conn.write(m.reply(m.text().toUpperCase().getBytes(StandardCharsets.UTF_8)));
      } catch (Exception writeFailed) {
        return;
      }
      echo(conn, r, threads);
    });
  }

  interface Call {
    Object run() throws Exception;
  }

  private static Throwable caught(Call call) {
    Object o = caughtOrValue(call);
    return o instanceof Throwable ? (Throwable) o : null;
  }

  private static Object caughtOrValue(Call call) {
    try {
      return call.run();
    } catch (Throwable t) {
      return t;
    }
  }
}
