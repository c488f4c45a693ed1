package dev.ftcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ftcp.testing.NettyLeakCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ftcp's blocking calls on virtual threads (JDK 21+): many virtual threads sharing one
 * connection with {@code request}, and a server with a virtual thread per connection
 * ({@code accept} and {@code read} loops), all answered; and while they run, JFR records no
 * {@code jdk.VirtualThreadPinned} event with an ftcp frame on its stack: none of ftcp's waits
 * holds a virtual thread on its carrier. Both shapes run once small before recording, so that
 * class loading and initialization (which may pin) are done.
 *
 * <p>The library compiles for Java 17, so virtual threads come from
 * {@code Executors.newVirtualThreadPerTaskExecutor()} found by reflection; on 17 the test is
 * skipped. The test classes run inside module {@code dev.ftcp}, which reads {@code jdk.jfr} in
 * the tests only (the POM's test compiler arguments and Surefire's argLine).
 */
@Timeout(120)
class VirtualThreadsTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final String PINNED = "jdk.VirtualThreadPinned";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final long WAIT_SECONDS = 90;

  @Test
  void virtualThreadsRequestAndServeWithoutPinningInFtcp(@TempDir Path dir) throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21 or later");

    // Warm-up: the same code paths, smaller, unrecorded.
    sharedConnection(500, 2);
    connectionPerThread(100);

    Path jfr = dir.resolve("pinned.jfr");
    long t0 = System.nanoTime();
    try (Recording rec = new Recording()) {
      rec.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
      rec.start();
      sharedConnection(10_000, 3);
      long t1 = System.nanoTime();
      connectionPerThread(2_000);
      long t2 = System.nanoTime();
      rec.stop();
      rec.dump(jfr);
      System.out.printf("virtual threads: 10,000 x 3 requests on one connection in %d ms, "
          + "2,000 connections each served by a virtual thread in %d ms%n",
          (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    }

    List<RecordedEvent> pinned = new ArrayList<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
      if (e.getEventType().getName().equals(PINNED)) {
        pinned.add(e);
      }
    }
    List<RecordedEvent> inFtcp = pinned.stream().filter(VirtualThreadsTest::hasFtcpFrame)
        .toList();
    System.out.printf("%s events: %d, %d of them with an ftcp frame%n", PINNED, pinned.size(),
        inFtcp.size());
    assertThat(inFtcp)
        .as("virtual threads pinned in ftcp code:%n%s", describe(inFtcp))
        .isEmpty();
  }

  /** {@code threads} virtual threads, each {@code requests} blocking requests on one connection. */
  private static void sharedConnection(int threads, int requests) throws Exception {
    ExecutorService server = virtualThreadPerTask();
    ExecutorService callers = virtualThreadPerTask();
    try (Listener l = Ftcp.listen("127.0.0.1:0");
        Conn client = Ftcp.dial("127.0.0.1:" + l.address().getPort());
        Conn conn = l.accept(Duration.ofSeconds(10))) {
      server.submit(() -> echo(conn));
      AtomicInteger matched = new AtomicInteger();
      List<Future<?>> done = new ArrayList<>(threads);
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(callers.submit((Callable<Void>) () -> {
          for (int i = 0; i < requests; i++) {
            String q = id + "/" + i;
            Message reply = client.request(Message.of(q), REQUEST_TIMEOUT);
            if (reply.text().equals("re:" + q)) {
              matched.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(WAIT_SECONDS, TimeUnit.SECONDS); // throws what a caller threw
      }
      assertThat(matched).hasValue(threads * requests);
    } finally {
      callers.shutdownNow();
      server.shutdownNow();
      assertThat(server.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
  }

  /**
   * A server with a virtual thread per connection (a blocking {@code accept} loop, then a
   * blocking read/reply loop per connection) and {@code connections} clients on virtual
   * threads, each dialing, asking twice, and staying connected until every client has its
   * replies, so that all the server's threads are waiting in {@code read} at once.
   */
  private static void connectionPerThread(int connections) throws Exception {
    ExecutorService server = virtualThreadPerTask();
    ExecutorService clients = virtualThreadPerTask();
    CountDownLatch allAnswered = new CountDownLatch(connections);
    AtomicInteger matched = new AtomicInteger();
    try (Listener l = Ftcp.listen("127.0.0.1:0")) {
      server.submit((Callable<Void>) () -> {
        try {
          while (true) {
            Conn c = l.accept();
            server.submit(() -> echo(c));
          }
        } catch (ConnectionClosedException e) {
          return null; // the listener closed
        }
      });
      String address = "127.0.0.1:" + l.address().getPort();
      List<Future<?>> done = new ArrayList<>(connections);
      for (int n = 0; n < connections; n++) {
        int id = n;
        done.add(clients.submit((Callable<Void>) () -> {
          try (Conn c = Ftcp.dial(address)) {
            for (int i = 0; i < 2; i++) {
              String q = id + "/" + i;
              if (c.request(Message.of(q), REQUEST_TIMEOUT).text().equals("re:" + q)) {
                matched.incrementAndGet();
              }
            }
            allAnswered.countDown();
            assertThat(allAnswered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(WAIT_SECONDS, TimeUnit.SECONDS);
      }
      assertThat(matched).hasValue(connections * 2);
    } finally {
      clients.shutdownNow();
      server.shutdown(); // the accept loop ends with the listener, each echo with its connection
      assertThat(server.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** Answers each message with "re:" and its text until the connection closes. */
  private static Void echo(Conn c) throws Exception {
    try (c; Reader r = c.reader()) {
      while (true) {
        Message m = r.read();
        c.write(m.reply(("re:" + m.text()).getBytes(StandardCharsets.UTF_8)));
      }
    } catch (ConnectionClosedException e) {
      return null; // the peer closed
    }
  }

  /** {@code Executors.newVirtualThreadPerTaskExecutor()}, which Java 17's API lacks. */
  private static ExecutorService virtualThreadPerTask() throws ReflectiveOperationException {
    return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
        .invoke(null);
  }

  private static boolean hasFtcpFrame(RecordedEvent e) {
    return e.getStackTrace() != null && e.getStackTrace().getFrames().stream()
        .anyMatch(f -> f.getMethod() != null
            && f.getMethod().getType().getName().startsWith("dev.ftcp."));
  }

  private static String describe(List<RecordedEvent> events) {
    StringBuilder sb = new StringBuilder();
    for (RecordedEvent e : events.subList(0, Math.min(3, events.size()))) {
      sb.append(PINNED).append(" for ").append(e.getDuration().toNanos() / 1000).append(" µs:\n");
      for (RecordedFrame f : e.getStackTrace().getFrames()) {
        sb.append("    at ").append(f.getMethod().getType().getName()).append('.')
            .append(f.getMethod().getName()).append(':').append(f.getLineNumber()).append('\n');
      }
    }
    return sb.toString();
  }
}
