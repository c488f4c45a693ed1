package dev.ftcp.soak;

import dev.ftcp.Options;
import dev.ftcp.redial.Transport;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak's settings, from system properties ({@code mvn verify -Dftcp.soak.duration=30m}
 * passes them through to the test JVM). Every one has a default fit for CI on a busy 2-core
 * machine.
 *
 * @param mode plain connections, or resumable sessions on both ends ({@code ftcp.soak.resumable}:
 *     {@code true} runs the resumable soak only, {@code false} the plain one only; unset, both
 *     run, one after the other)
 * @param duration how long load and faults run in each mode ({@code ftcp.soak.duration}:
 *     {@code 45s}, {@code 30m}, {@code 1h}, {@code 500ms} or ISO-8601 {@code PT30M}); setup,
 *     the final drain and the checks come on top, about 10 s with the defaults. The default is
 *     45 s, so that the two runs of a build together take what one run of 90 s took
 * @param clients client connections ({@code ftcp.soak.clients})
 * @param proxies fault proxies the clients are spread over, round robin
 *     ({@code ftcp.soak.proxies}); a cut hits every client of one proxy at once
 * @param readers readers per client connection, all open for the whole run
 *     ({@code ftcp.soak.readers}); the first reads blocking on a thread, the others with
 *     {@code readAsync}
 * @param rate messages each client writes per second, one-way and requests together
 *     ({@code ftcp.soak.rate})
 * @param faultInterval mean time between two faults on one proxy, exponentially distributed
 *     ({@code ftcp.soak.faultInterval})
 * @param seed seed of every random choice: sizes, kinds, faults ({@code ftcp.soak.seed}; a
 *     fresh one by default, printed in the summary so that a run can be repeated)
 * @param transport {@code TCP} or {@code TLS} ({@code ftcp.soak.transport})
 * @param forkTimeout what the build gives the test JVM before killing it
 *     ({@code ftcp.soak.forkTimeout}, in seconds, 0 for no limit): the soak refuses to start a
 *     run that could not finish within it (both runs, when both modes run)
 * @param resumeTimeout how long the server keeps a resumable session whose link broke
 *     ({@code ftcp.soak.resumeTimeout}, resumable mode only): at least
 *     {@link #RESUME_MARGIN} times the longest a client can be away ({@link #longestAbsence}), so
 *     that no fault {@link Chaos} makes can lose a session
 */
record SoakConfig(Mode mode, Duration duration, int clients, int proxies, int readers,
    double rate, Duration faultInterval, long seed, Transport transport, Duration forkTimeout,
    Duration resumeTimeout) {

  /** The longest the final drain, closing and the checks may take before the test fails. */
  static final Duration SETTLE_LIMIT = Duration.ofMinutes(4);

  /** How many times the longest absence of a client the resume timeout must be, at least. */
  static final int RESUME_MARGIN = 10;

  /** What the two ends of every connection use. */
  enum Mode {
    /** Plain connections: the client redials, and the kernel's window may lose messages. */
    PLAIN,
    /** Resumable sessions on both ends (docs/PROTOCOL.md §14.1): nothing may be lost. */
    RESUMABLE;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The modes to run, from {@code ftcp.soak.resumable}: both unless it says one. */
  static Set<Mode> enabledModes() {
    String v = System.getProperty("ftcp.soak.resumable", "").trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "": case "both": return EnumSet.allOf(Mode.class);
      case "true": return EnumSet.of(Mode.RESUMABLE);
      case "false": return EnumSet.of(Mode.PLAIN);
      default: throw new IllegalArgumentException("ftcp.soak.resumable: true, false or unset"
          + " (both), was " + v);
    }
  }

  static SoakConfig fromSystemProperties(Mode mode) {
    String seed = System.getProperty("ftcp.soak.seed", "");
    return new SoakConfig(
        mode,
        duration("ftcp.soak.duration", "45s"),
        integer("ftcp.soak.clients", 200),
        integer("ftcp.soak.proxies", 10),
        integer("ftcp.soak.readers", 3),
        Double.parseDouble(System.getProperty("ftcp.soak.rate", "10")),
        duration("ftcp.soak.faultInterval", "1s"),
        seed.isEmpty() ? System.nanoTime() : Long.parseLong(seed),
        Transport.valueOf(System.getProperty("ftcp.soak.transport", "TCP")
            .toUpperCase(Locale.ROOT)),
        Duration.ofSeconds(Long.parseLong(System.getProperty("ftcp.soak.forkTimeout", "0"))),
        duration("ftcp.soak.resumeTimeout", "60s"));
  }

  SoakConfig {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("ftcp.soak.duration must be positive, was " + duration);
    }
    if (clients < 1 || proxies < 1 || proxies > clients || readers < 1 || rate <= 0) {
      throw new IllegalArgumentException("need clients >= proxies >= 1, readers >= 1, rate > 0;"
          + " was clients=" + clients + " proxies=" + proxies + " readers=" + readers
          + " rate=" + rate);
    }
    Duration floor = longestAbsence().multipliedBy(RESUME_MARGIN);
    if (mode == Mode.RESUMABLE && resumeTimeout.compareTo(floor) < 0) {
      throw new IllegalArgumentException("ftcp.soak.resumeTimeout " + human(resumeTimeout)
          + " is too close to the longest a client can be away (" + human(longestAbsence())
          + "): a session could expire through no fault of the library; use at least "
          + human(floor));
    }
  }

  /**
   * The longest a client can be away from the server in one of {@link Chaos}'s faults: the
   * longest refusal, then one redial wait at its longest (the cap with its jitter, +20%), since
   * the attempt before it may have come just before the refusal ended.
   */
  static Duration longestAbsence() {
    Duration cap = Options.builder().build().maxRedialBackoff();
    return Chaos.LONGEST_REFUSAL.plus(cap.multipliedBy(6).dividedBy(5));
  }

  /** The client's settings in this mode, on the transport's. */
  Options.Builder client() {
    Options.Builder b = transport.client();
    return mode == Mode.RESUMABLE ? b.resumable(true) : b;
  }

  /** The listener's settings in this mode, on the transport's. */
  Options.Builder server() {
    Options.Builder b = transport.server();
    return mode == Mode.RESUMABLE ? b.resumable(true).resumeTimeout(resumeTimeout) : b;
  }

  boolean resumable() {
    return mode == Mode.RESUMABLE;
  }

  /** The bound of the whole test: the load, then at most {@link #SETTLE_LIMIT} more. */
  Duration limit() {
    return duration.plus(SETTLE_LIMIT);
  }

  /** "90s", "30m", "1h", "500ms" or ISO-8601 ("PT30M"). */
  static Duration parseDuration(String s) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(s.trim().toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms": return Duration.ofMillis(n);
        case "s": return Duration.ofSeconds(n);
        case "m": return Duration.ofMinutes(n);
        default: return Duration.ofHours(n);
      }
    }
    return Duration.parse(s.trim());
  }

  /** "1m30s" style, for the summary. */
  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    long s = Math.round(ms / 1000.0);
    return (s >= 3600 ? s / 3600 + "h" : "") + (s >= 60 ? (s % 3600) / 60 + "m" : "")
        + (s % 60 != 0 || s < 60 ? s % 60 + "s" : "");
  }

  private static Duration duration(String property, String fallback) {
    String v = System.getProperty(property, "");
    try {
      return parseDuration(v.isEmpty() ? fallback : v);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(property + ": not a duration: " + v, e);
    }
  }

  private static int integer(String property, int fallback) {
    String v = System.getProperty(property, "");
    return v.isEmpty() ? fallback : Integer.parseInt(v.trim());
  }
}
