package dev.ftcp.internal;

import java.time.Duration;

/** Durations as people write them in messages: "200 ms", "2 s", "1.5 s", "3 min". */
public final class Durations {
  private Durations() {}

  public static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms == 0 && !d.isZero() ? d.toNanos() / 1000 + " µs" : ms + " ms";
    }
    if (ms < 60_000) {
      return (ms % 1000 == 0 ? Long.toString(ms / 1000) : String.format("%.3g", ms / 1000.0))
          + " s";
    }
    return (ms % 60_000 == 0 ? Long.toString(ms / 60_000)
        : String.format("%.3g", ms / 60_000.0)) + " min";
  }
}
