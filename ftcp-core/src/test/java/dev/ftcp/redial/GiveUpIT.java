package dev.ftcp.redial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ftcp.Conn;
import dev.ftcp.ConnectionClosedException;
import dev.ftcp.Ftcp;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import dev.ftcp.redial.StateLog.Event;
import dev.ftcp.redial.StateLog.Kind;
import dev.ftcp.testing.NettyLeakCheck;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A client whose server does not come back gives up on time and says why, everywhere. */
@Timeout(30)
class GiveUpIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration WITHIN = Duration.ofSeconds(10);
  private static final Duration REDIAL_TIMEOUT = Duration.ofMillis(500);
  /** Room for a loaded machine: timers and callbacks run late, never early. */
  private static final Duration MARGIN = Duration.ofMillis(1000);
  private static final int DEPTH = 10;
  private static final Duration FAST = Duration.ofMillis(1);

  @ParameterizedTest
  @MethodSource("dev.ftcp.redial.Transport#enabled")
  void givesUpAfterRedialTimeoutAndEveryCallCarriesTheLastDialError(Transport transport)
      throws Exception {
    try (Rig rig = Rig.start(transport)) {
      StateLog log = new StateLog();
      Conn c = rig.dial(rig.server.hostPort(),
          b -> b.redialTimeout(REDIAL_TIMEOUT).writeQueueDepth(DEPTH).stateListener(log));
      Reader reader = c.reader();
      FutureTask<Message> read = Threads.start("reader", reader::read);

      long brokeAfter = System.nanoTime(); // the link breaks during stop(), not before
      rig.server.stop();
      long brokeBefore = System.nanoTime();
      log.await(Kind.DISCONNECTED, 1, WITHIN);

      // During the redial: two requests and DEPTH - 2 writes fill the queue, the next write
      // blocks. (Polled every millisecond: all this must happen well within redialTimeout.)
      FutureTask<Message> request =
          Threads.start("requester", () -> c.request(Message.of("q"), Duration.ofSeconds(30)));
      await().atMost(WITHIN).pollInterval(FAST).until(() -> c.stats().queued() == 1);
      CompletableFuture<Message> async = c.requestAsync(Message.of("a"), Duration.ofSeconds(30));
      await().atMost(WITHIN).pollInterval(FAST).until(() -> c.stats().queued() == 2);
      FutureTask<Integer> writer = Threads.start("writer", () -> {
        int n = 0;
        for (;;) {
          c.write(Message.of("w" + n));
          n++;
        }
      });
      await().atMost(WITHIN).pollInterval(FAST).until(() -> c.stats().queued() == DEPTH);
      assertThat(writer.isDone()).as("writer blocked on the full queue").isFalse();

      Event gaveUp = log.await(Kind.GAVE_UP, 1, WITHIN);
      Throwable lastError = gaveUp.cause();
      assertThat(lastError).as("last dial error").isInstanceOf(ConnectException.class);
      assertThat(Duration.ofNanos(gaveUp.nanos() - brokeAfter)).as("failure to give-up")
          .isGreaterThanOrEqualTo(REDIAL_TIMEOUT);
      assertThat(Duration.ofNanos(gaveUp.nanos() - brokeBefore)).as("failure to give-up")
          .isLessThanOrEqualTo(REDIAL_TIMEOUT.plus(MARGIN));

      // Blocked calls fail with the last dial error...
      assertClosedWith(lastError, writer);
      assertClosedWith(lastError, read);
      assertClosedWith(lastError, request);
      assertThat(async).failsWithin(WITHIN).withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOf(ConnectionClosedException.class)
          .havingCause().isSameAs(lastError);
      // ... and so do later ones.
      assertThatThrownBy(() -> c.write(Message.of("later")))
          .isInstanceOf(ConnectionClosedException.class).cause().isSameAs(lastError);
      assertThatThrownBy(() -> c.request(Message.of("later"), Duration.ofSeconds(1)))
          .isInstanceOf(ConnectionClosedException.class).cause().isSameAs(lastError);
      try (Reader later = c.reader()) {
        assertThatThrownBy(later::read)
            .isInstanceOf(ConnectionClosedException.class).cause().isSameAs(lastError);
      }
      assertThat(c.isOpen()).isFalse();
      assertThat(c.stats().messagesDiscarded()).as("the requests and the writes queued")
          .isEqualTo(DEPTH);
      assertThat(c.stats().queued()).isZero();

      c.close();
      reader.close();
      assertThat(log.kinds()).containsExactly(Kind.CONNECTED, Kind.DISCONNECTED, Kind.GAVE_UP);
      assertThat(log.events().get(1).cause()).as("disconnect cause").isNotNull();
      assertThat(log.events()).allSatisfy(e -> assertThat(e.thread()).doesNotStartWith("ftcp-io-"));
    }
  }

  @ParameterizedTest
  @MethodSource("dev.ftcp.redial.Transport#enabled")
  void dialingWhereNothingListensThrowsConnectExceptionAtOnce(Transport transport)
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    StateLog log = new StateLog();
    // Built before the clock starts: the first TLS settings of a JVM (provider, SSLContext) can
    // take seconds on a loaded machine, and are not what this test times.
    Options options = transport.client().stateListener(log).build();
    long start = System.nanoTime();
    // The default redialTimeout (60 s): a dial that redialed would not come back for a minute.
    assertThatThrownBy(() -> Ftcp.dial("127.0.0.1:" + port, options))
        .isInstanceOf(ConnectException.class);
    // Far below the 60 s a redialing dial would take, and far above what a loaded machine needs
    // to build a TLS context and be refused (2 s was seen to be too tight under load).
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertThat(log.events()).isEmpty();
  }

  private static void assertClosedWith(Throwable lastError, FutureTask<?> blocked)
      throws InterruptedException, java.util.concurrent.TimeoutException {
    try {
      blocked.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("a blocked call returned after the give-up");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ConnectionClosedException.class);
      assertThat(e.getCause().getCause()).as("cause of " + e.getCause()).isSameAs(lastError);
    }
  }
}
