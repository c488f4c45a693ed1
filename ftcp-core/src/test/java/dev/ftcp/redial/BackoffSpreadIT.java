package dev.ftcp.redial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ftcp.Conn;
import dev.ftcp.ConnStateListener;
import dev.ftcp.testing.FaultProxy.Accept;
import dev.ftcp.testing.FaultProxy.Cut;
import dev.ftcp.testing.FaultProxy.Refusal;
import dev.ftcp.testing.NettyLeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Redial attempts are spread by jitter, so a fleet of clients does not hit a restarted server
 * in lock-step; and a server that takes connections and drops them at once is not hammered.
 */
@Timeout(60)
class BackoffSpreadIT {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final Duration WITHIN = Duration.ofSeconds(15);
  private static final int CLIENTS = 200;
  private static final Duration BACKOFF = Duration.ofMillis(20);
  private static final Duration MAX_BACKOFF = Duration.ofMillis(200);
  private static final Duration OUTAGE = Duration.ofSeconds(1);

  /**
   * 200 clients lose their server at once; it is back after a second. Each client's delay from
   * its failure to its reconnect, as the proxy sees the reconnect, is compared with the
   * schedule without jitter: the n-th attempt comes {@code S(n-1)} after the failure, the sum
   * of the waits 20, 40, 80, ... ms capped at {@code maxRedialBackoff}.
   *
   * <p>Without jitter every client's deviation from S(n-1) would be only the time its refused
   * dials took, so clients that failed together would come back together. With ±20% on each
   * wait, after the 8 or more waits a one-second outage holds the deviation has a standard
   * deviation of about 50 ms, so its 10th to 90th percentile span is over 100 ms; this asserts
   * at least a quarter of {@code maxRedialBackoff}. It also asserts that no client came back
   * sooner than 80% of its schedule, which no load can cause.
   *
   * <p>On a quiet machine the spread catches a fleet in lock-step. On a busy one the refused
   * dials themselves cost time (200 clients on two shared cores added 250 to 700 ms to the
   * schedule here), which spreads the clients too, so the spread alone cannot prove jitter
   * there: a unit test of {@code Backoff} with its injectable random source checks the ±20%
   * exactly.
   */
  @ParameterizedTest
  @MethodSource("dev.ftcp.redial.Transport#enabled")
  void clientsRedialingARestartedServerSpreadTheirAttempts(Transport transport)
      throws Exception {
    try (Rig rig = Rig.start(transport)) {
      Map<Conn, Long> failedAt = new ConcurrentHashMap<>();
      Map<Conn, Integer> attempts = new ConcurrentHashMap<>();
      ConnStateListener timing = new ConnStateListener() {
        @Override
        public void disconnected(Conn conn, Throwable cause) {
          failedAt.putIfAbsent(conn, System.nanoTime());
        }

        @Override
        public void redialed(Conn conn, int n) {
          attempts.putIfAbsent(conn, n);
        }
      };
      List<Conn> clients = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(rig.dialProxy(b -> b.redialBackoff(BACKOFF).maxRedialBackoff(MAX_BACKOFF)
            .redialTimeout(Duration.ofSeconds(20)).stateListener(timing)
            // Run the listener where the state changes, so that the failure is timed when the
            // connection sees it, not when a busy pool gets to it. It only reads the clock.
            .callbackExecutor(Runnable::run)));
      }
      await().atMost(WITHIN).until(() -> rig.server.sessions().size() == CLIENTS);

      rig.proxy.refuse(Refusal.NOT_LISTENING);
      rig.proxy.cutAll(Cut.RESET);
      await().atMost(WITHIN).until(() -> failedAt.size() == CLIENTS);
      // Down for 1 s after the last client noticed (noticing takes 200 clients a while on a
      // busy machine), so that every client is well into its capped waits.
      long lastFailure = Collections.max(failedAt.values());
      Threads.letPass(OUTAGE.minusNanos(System.nanoTime() - lastFailure));
      rig.proxy.refuse(false);
      await().atMost(WITHIN).until(() -> attempts.size() == CLIENTS
          && rig.proxy.connectionsAccepted() == 2 * CLIENTS);

      Map<Integer, Long> reconnectedAt = new HashMap<>();
      List<Accept> accepts = rig.proxy.accepts();
      for (Accept a : accepts.subList(CLIENTS, accepts.size())) {
        reconnectedAt.put(a.from().getPort(), a.nanos());
      }
      List<Long> deviations = new ArrayList<>();
      for (Conn c : clients) {
        assertThat(c.stats().redials()).isEqualTo(1);
        long delay = reconnectedAt.get(c.localAddress().getPort()) - failedAt.get(c);
        long nominal = nominalNanos(attempts.get(c) - 1);
        // Never sooner than the shortest jittered schedule allows. (Later is only a busy
        // machine: a refused dial costs the shared I/O threads more than it looks.)
        assertThat(delay).as("failure to reconnect after %d attempts, nominal %d ms",
            attempts.get(c), nominal / 1_000_000)
            .isGreaterThanOrEqualTo(nominal * 4 / 5);
        deviations.add(delay - nominal);
      }
      Collections.sort(deviations);
      long p10 = deviations.get(CLIENTS / 10);
      long p90 = deviations.get(CLIENTS * 9 / 10);
      assertThat(Duration.ofNanos(p90 - p10))
          .as("spread of the deviations from the un-jittered schedule: p10 %d ms, p90 %d ms",
              p10 / 1_000_000, p90 / 1_000_000)
          .isGreaterThanOrEqualTo(MAX_BACKOFF.dividedBy(4));
    }
  }

  /** When attempt {@code waits + 1} comes after the failure, without jitter. */
  private static long nominalNanos(int waits) {
    long sum = 0;
    long wait = BACKOFF.toNanos();
    for (int k = 0; k < waits; k++) {
      sum += Math.min(wait, MAX_BACKOFF.toNanos());
      wait *= 2;
    }
    return sum;
  }

  /**
   * A server that accepts and closes at once (a full {@code maxConnections}, a proxy whose
   * backend is down) must not be dialed in a tight loop: a connection that broke before it
   * carried anything is no reason to reset the backoff. With 20 ms doubling to 200 ms, one
   * second holds about 8 attempts.
   */
  @ParameterizedTest
  @MethodSource("dev.ftcp.redial.Transport#enabled")
  // A server that accepts and closes at once (a full maxConnections does this) must not be
  // dialed in a tight loop: a redialed channel that drops before carrying anything continues
  // the outage's backoff and redialTimeout.
  void aServerThatAcceptsAndClosesAtOnceIsNotHammered(Transport transport) throws Exception {
    try (Rig rig = Rig.start(transport)) {
      StateLog log = new StateLog();
      rig.dialProxy(b -> b.redialBackoff(BACKOFF).maxRedialBackoff(MAX_BACKOFF)
          .stateListener(log));
      rig.proxy.refuse(Refusal.ACCEPT_AND_CLOSE);
      rig.proxy.cutAll(Cut.FIN);
      long refusedBefore = rig.proxy.connectionsRefused();
      Threads.letPass(Duration.ofSeconds(1));
      long dials = rig.proxy.connectionsRefused() - refusedBefore;
      assertThat(dials).as("dials in 1 s to a server that closes them at once").isLessThan(30);
    }
  }
}
