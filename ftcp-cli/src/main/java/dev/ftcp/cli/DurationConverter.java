package dev.ftcp.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations the way people type them: {@code 2s}, {@code 500ms}, {@code 1.5s},
 * {@code 250us}, {@code 1m}, {@code 1h}, or ISO-8601 ({@code PT2S}). A bare number is refused:
 * "2" could mean seconds or milliseconds. Stateless and thread-safe.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern AMOUNT =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /** @throws TypeConversionException naming the value, for picocli to report as bad usage */
  static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    Matcher m = AMOUNT.matcher(v);
    if (m.matches()) {
      BigDecimal amount = new BigDecimal(m.group(1));
      long nanosPerUnit = switch (m.group(2)) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L; // h
      };
      try {
        return Duration.ofNanos(amount.multiply(BigDecimal.valueOf(nanosPerUnit)).longValueExact());
      } catch (ArithmeticException e) {
        throw new TypeConversionException("'" + value + "' is too long a duration");
      }
    }
    if (v.startsWith("pt") || v.startsWith("p")) {
      try {
        return Duration.parse(value.trim());
      } catch (DateTimeParseException e) {
        // fall through to the message below
      }
    }
    throw new TypeConversionException(
        "'" + value + "' is not a duration: write it with a unit, as 2s, 500ms, 1.5s, 1m");
  }

  /** A short human form: 1.50 s, 2.3 ms, 18.2 us. */
  static String format(Duration d) {
    return formatNanos(d.toNanos());
  }

  /** Nanoseconds in a short human form, ASCII for any terminal: 1.50 s, 2.3 ms, 18.2 us. */
  static String formatNanos(long nanos) {
    if (nanos >= 60_000_000_000L) {
      return String.format(Locale.ROOT, "%.1f min", nanos / 60e9);
    } else if (nanos >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    } else if (nanos >= 1_000_000L) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    } else if (nanos >= 1_000L) {
      return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
    }
    return nanos + " ns";
  }

  /** The duration as a user would write it back on the command line: 2s, 500ms. */
  static String flag(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 == 0 && ms > 0) {
      return ms / 1000 + "s";
    }
    return ms > 0 ? ms + "ms" : d.toNanos() / 1000 + "us";
  }
}
