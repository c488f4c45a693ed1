package dev.ftcp.soak;

import dev.ftcp.redial.Transport;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak's settings, from system properties ({@code mvn verify -Dftcp.soak.duration=30m}
 * passes them through to the test JVM). Every one has a default fit for CI on a busy 2-core
 * machine.
 *
 * @param duration how long load and faults run ({@code ftcp.soak.duration}: {@code 90s},
 *     {@code 30m}, {@code 1h}, {@code 500ms} or ISO-8601 {@code PT30M}); setup, the final drain
 *     and the checks come on top, about 10 s with the defaults
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
 *     run that could not finish within it
 */
record SoakConfig(Duration duration, int clients, int proxies, int readers, double rate,
    Duration faultInterval, long seed, Transport transport, Duration forkTimeout) {

  /** The longest the final drain, closing and the checks may take before the test fails. */
  static final Duration SETTLE_LIMIT = Duration.ofMinutes(4);

  static SoakConfig fromSystemProperties() {
    String seed = System.getProperty("ftcp.soak.seed", "");
    return new SoakConfig(
        duration("ftcp.soak.duration", "90s"),
        integer("ftcp.soak.clients", 200),
        integer("ftcp.soak.proxies", 10),
        integer("ftcp.soak.readers", 3),
        Double.parseDouble(System.getProperty("ftcp.soak.rate", "10")),
        duration("ftcp.soak.faultInterval", "1s"),
        seed.isEmpty() ? System.nanoTime() : Long.parseLong(seed),
        Transport.valueOf(System.getProperty("ftcp.soak.transport", "TCP")
            .toUpperCase(Locale.ROOT)),
        Duration.ofSeconds(Long.parseLong(System.getProperty("ftcp.soak.forkTimeout", "0"))));
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
