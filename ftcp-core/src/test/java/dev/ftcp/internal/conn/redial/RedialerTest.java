package dev.ftcp.internal.conn.redial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.Options;
import dev.ftcp.internal.time.FakeClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When a client redials, in test time: the first attempt at once, the backoff up to its cap
 * within the jitter, the give-up exactly at redialTimeout, and the proven-link rule that decides
 * whether a redialed channel that closed again ends the outage or continues it.
 */
@Timeout(10)
class RedialerTest {
  private static final Duration BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
  private static final Duration REDIAL_TIMEOUT = Duration.ofSeconds(5);
  private static final DoubleSupplier NO_JITTER = () -> 0.5; // factor exactly 1
  private static final IOException REFUSED = new IOException("connection refused");

  private final FakeClock clock = new FakeClock();

  /** The connection side of a redialer: counts attempts, records the give-up. */
  private static final class Host implements RedialHost {
    int dials;
    boolean mayDial = true;
    final List<Throwable> gaveUp = new ArrayList<>();

    @Override
    public boolean beforeDial() {
      return mayDial;
    }

    @Override
    public void dial() {
      dials++;
    }

    @Override
    public void gaveUp(Throwable lastError) {
      gaveUp.add(lastError);
    }
  }

  private final Host host = new Host();

  private static Options options(Duration backoff, Duration max, Duration timeout) {
    return Options.builder().redialBackoff(backoff).maxRedialBackoff(max).redialTimeout(timeout)
        .build();
  }

  private Redialer redialer(DoubleSupplier random) {
    return new Redialer(host, options(BACKOFF, MAX_BACKOFF, REDIAL_TIMEOUT), clock, Runnable::run,
        random);
  }

  /** A redialer whose first dial succeeded: the link is up, as after Conn.dial returned. */
  private Redialer connected(Redialer r) {
    r.attempt();
    assertThat(host.dials).isEqualTo(1);
    r.ready(true, 0);
    assertThat(r.attempts()).isZero();
    return r;
  }

  private void advance(long millis) {
    clock.advance(Duration.ofMillis(millis));
  }

  @Test
  void theFirstAttemptAfterALinkBreaksIsMadeAtOnce() {
    Redialer r = connected(redialer(NO_JITTER));
    r.linkLost(REFUSED, 0);
    assertThat(host.dials).isEqualTo(2);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(clock.pending()).isEmpty(); // no timer for the first attempt
  }

  @Test
  void backoffDoublesFromRedialBackoffUpToMaxRedialBackoff() {
    Redialer r = connected(redialer(NO_JITTER));
    r.linkLost(REFUSED, 0);
    long[] waits = {100, 200, 400, 800, 1000, 1000};
    for (long wait : waits) {
      int before = host.dials;
      r.attemptFailed(REFUSED);
      assertThat(clock.pending()).containsExactly(Duration.ofMillis(wait));
      advance(wait - 1);
      assertThat(host.dials).as("no attempt before its wait of %d ms", wait).isEqualTo(before);
      advance(1);
      assertThat(host.dials).as("the attempt after %d ms", wait).isEqualTo(before + 1);
    }
    assertThat(host.gaveUp).isEmpty();
  }

  @Test
  void eachWaitStaysWithinTwentyPercentOfItsBase() {
    double[] randoms = {0.0, Math.nextDown(1.0), 0.25, 0.0, Math.nextDown(1.0), 0.9};
    int[] next = {0};
    Redialer r = connected(redialer(() -> randoms[next[0]++ % randoms.length]));
    r.linkLost(REFUSED, 0);
    long[] bases = {100, 200, 400, 800, 1000, 1000};
    for (int i = 0; i < bases.length; i++) {
      r.attemptFailed(REFUSED);
      long base = Duration.ofMillis(bases[i]).toNanos();
      long wait = clock.pending().get(0).toNanos();
      assertThat(wait).as("wait %d", i).isBetween((long) (base * 0.8), (long) (base * 1.2));
      double factor = 0.8 + 0.4 * randoms[i];
      assertThat(wait).as("wait %d is its base times the drawn factor", i)
          .isEqualTo((long) (base * factor));
      clock.advance(Duration.ofNanos(wait));
    }
    assertThat(host.dials).isEqualTo(2 + bases.length);
  }

  @Test
  void givesUpExactlyWhenRedialTimeoutHasPassedSinceTheLinkBroke() {
    Redialer r = connected(redialer(NO_JITTER));
    advance(10_000); // the link was up for a while: the give-up clock starts at the break
    r.linkLost(REFUSED, 0);
    // Attempts at 0, 100, 300, 700, 1500, 2500, 3500, 4500 ms; the next wait would be 1 s, but
    // the deadline is at 5 s: the last wait is cut to 500 ms and the attempt then is the last.
    long elapsed = 0;
    long[] waits = {100, 200, 400, 800, 1000, 1000, 1000, 500};
    for (long wait : waits) {
      r.attemptFailed(REFUSED);
      assertThat(clock.pending()).containsExactly(Duration.ofMillis(wait));
      advance(wait);
      elapsed += wait;
    }
    assertThat(elapsed).isEqualTo(REDIAL_TIMEOUT.toMillis());
    assertThat(host.dials).isEqualTo(2 + waits.length);
    assertThat(host.gaveUp).isEmpty();
    IOException last = new IOException("the last refusal");
    r.attemptFailed(last);
    assertThat(host.gaveUp).containsExactly(last);
    assertThat(clock.pending()).isEmpty();
  }

  @Test
  void anAttemptThatFailsJustBeforeTheDeadlineWaitsOnlyUntilIt() {
    Redialer r = connected(redialer(NO_JITTER));
    r.linkLost(REFUSED, 0);
    advance(REDIAL_TIMEOUT.toMillis() - 1); // the attempt took that long to fail
    r.attemptFailed(REFUSED);
    assertThat(host.gaveUp).isEmpty();
    assertThat(clock.pending()).containsExactly(Duration.ofMillis(1));
    advance(1);
    assertThat(host.dials).isEqualTo(3);
    r.attemptFailed(REFUSED);
    assertThat(host.gaveUp).hasSize(1);
  }

  @Test
  void aRedialedChannelThatClosesAtOnceHavingReceivedNothingContinuesTheOutage() {
    Redialer r = connected(redialer(NO_JITTER));
    long brokeAt = clock.nanoTime();
    r.linkLost(REFUSED, 7); // 7 messages came on the first channel
    r.attemptFailed(REFUSED);
    advance(100); // the second attempt
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(r.ready(false, 7)).isEqualTo(2);
    advance(249); // a server that accepts, then closes
    r.linkLost(new IOException("closed by peer"), 7);
    assertThat(host.dials).as("no immediate attempt").isEqualTo(3);
    assertThat(r.attempts()).isEqualTo(2);
    // The next wait is the third of the outage (200 ms), not the first of a new one.
    assertThat(clock.pending()).containsExactly(Duration.ofMillis(200));
    advance(200);
    assertThat(host.dials).isEqualTo(4);
    // And the give-up clock went on from the first break.
    givesUpAt(r, brokeAt + REDIAL_TIMEOUT.toNanos());
  }

  @Test
  void aRedialedChannelThatReceivedAMessageStartsAFreshOutage() {
    Redialer r = connected(redialer(NO_JITTER));
    r.linkLost(REFUSED, 7);
    r.attemptFailed(REFUSED);
    advance(100);
    r.ready(false, 7);
    advance(10); // closes soon, but after a message came
    r.linkLost(new IOException("closed by peer"), 8);
    assertThat(host.dials).as("an immediate attempt").isEqualTo(4);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(clock.pending()).isEmpty();
    // A fresh give-up clock: it starts at this break, 110 ms after the first.
    givesUpAt(r, clock.nanoTime() + REDIAL_TIMEOUT.toNanos());
  }

  @Test
  void aRedialedChannelThatLivedTwoHundredFiftyMillisecondsStartsAFreshOutage() {
    Redialer r = connected(redialer(NO_JITTER));
    r.linkLost(REFUSED, 0);
    r.attemptFailed(REFUSED);
    advance(100);
    r.ready(false, 0);
    advance(250);
    r.linkLost(new IOException("closed by peer"), 0);
    assertThat(host.dials).as("an immediate attempt").isEqualTo(4);
    assertThat(r.attempts()).isEqualTo(1);
    r.attemptFailed(REFUSED);
    assertThat(clock.pending()).as("the first wait again").containsExactly(BACKOFF);
  }

  @Test
  void aShortMaxRedialBackoffShortensWhatProvesALink() {
    Redialer r = new Redialer(host,
        options(Duration.ofMillis(10), Duration.ofMillis(100), REDIAL_TIMEOUT), clock,
        Runnable::run, NO_JITTER);
    connected(r);
    r.linkLost(REFUSED, 0);
    r.attemptFailed(REFUSED);
    advance(10);
    r.ready(false, 0);
    advance(99);
    r.linkLost(REFUSED, 0);
    assertThat(host.dials).as("99 ms proves nothing").isEqualTo(3);
    advance(clock.pending().get(0).toMillis());
    assertThat(host.dials).isEqualTo(4);
    r.ready(false, 0);
    advance(100);
    r.linkLost(REFUSED, 0);
    assertThat(host.dials).as("100 ms, the cap, proves the link").isEqualTo(5);
    assertThat(r.attempts()).isEqualTo(1);
  }

  @Test
  void aLinkThatWasUpIsProvenWhateverItReceived() {
    Redialer r = connected(redialer(NO_JITTER));
    r.linkLost(REFUSED, 0); // the first channel, closed at once, received nothing
    assertThat(host.dials).isEqualTo(2);
    assertThat(clock.pending()).isEmpty();
  }

  @Test
  void cancelStopsAScheduledAttempt() {
    Redialer r = connected(redialer(NO_JITTER));
    r.linkLost(REFUSED, 0);
    r.attemptFailed(REFUSED);
    assertThat(clock.pending()).hasSize(1);
    r.cancel();
    assertThat(clock.pending()).isEmpty();
    advance(60_000);
    assertThat(host.dials).isEqualTo(2);
    assertThat(host.gaveUp).isEmpty();
    r.cancel(); // twice is harmless
  }

  @Test
  void noAttemptIsMadeWhenTheHostSaysNotTo() {
    Redialer r = connected(redialer(NO_JITTER));
    host.mayDial = false;
    r.linkLost(REFUSED, 0);
    assertThat(host.dials).isEqualTo(1);
    assertThat(r.attempts()).isZero();
    host.mayDial = true;
    r.attemptFailed(REFUSED);
    host.mayDial = false;
    advance(1_000);
    assertThat(host.dials).as("a scheduled attempt asks too").isEqualTo(1);
    assertThat(clock.pending()).isEmpty();
  }

  @Test
  void aClockThatRefusesSchedulesNothing() {
    Redialer r = connected(redialer(NO_JITTER));
    r.linkLost(REFUSED, 0);
    clock.refuse();
    r.attemptFailed(REFUSED);
    advance(10_000);
    assertThat(host.dials).isEqualTo(2);
    r.cancel(); // no timer to cancel
  }

  private void givesUpAt(Redialer r, long deadline) {
    for (;;) {
      r.attemptFailed(REFUSED);
      if (!host.gaveUp.isEmpty()) {
        break;
      }
      assertThat(clock.nanoTime()).isLessThan(deadline);
      clock.advance(clock.pending().get(0));
    }
    assertThat(clock.nanoTime()).isEqualTo(deadline);
  }
}
