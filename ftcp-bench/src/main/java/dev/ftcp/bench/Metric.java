package dev.ftcp.bench;

import java.util.Locale;

/** What a scenario measures. Every ratio the harness prints is ftcp's value ÷ the baseline's. */
public enum Metric {
  MSGS_PER_SEC("msgs/s", "msgsPerSec", true, Unit.RATE),
  REQS_PER_SEC("req/s", "reqsPerSec", true, Unit.RATE),
  P50_MICROS("p50", "p50Micros", false, Unit.MICROS),
  P99_MICROS("p99", "p99Micros", false, Unit.MICROS),
  P999_MICROS("p999", "p999Micros", false, Unit.MICROS),
  CONNECTIONS("conns held", "connections", true, Unit.COUNT),
  HEAP_PER_CONN("heap/conn", "heapBytesPerConn", false, Unit.BYTES),
  PEER_HEAP_PER_CONN("peer heap/conn", "peerHeapBytesPerConn", false, Unit.BYTES),
  /**
   * CPU time of the JVM's Java threads (both ends: every such workload runs in one JVM) per
   * message or request counted in the measured window.
   */
  CPU_PER_OP("CPU/op", "cpuNanosPerOp", false, Unit.NANOS);

  private enum Unit { RATE, MICROS, NANOS, COUNT, BYTES }

  private final String label;
  private final String jsonName;
  private final boolean higherIsBetter;
  private final Unit unit;

  Metric(String label, String jsonName, boolean higherIsBetter, Unit unit) {
    this.label = label;
    this.jsonName = jsonName;
    this.higherIsBetter = higherIsBetter;
    this.unit = unit;
  }

  public String label() {
    return label;
  }

  public String jsonName() {
    return jsonName;
  }

  /** Whether a ratio above 1 means ftcp did better. */
  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** The value as a person reads it: "4.21 M", "18.3 µs", "5.2 KiB". */
  public String format(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    switch (unit) {
      case RATE:
        if (v >= 1e6) {
          return String.format(Locale.ROOT, "%.2f M", v / 1e6);
        }
        if (v >= 1e3) {
          return String.format(Locale.ROOT, "%.1f k", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
      case MICROS:
        return v >= 1000
            ? String.format(Locale.ROOT, "%.2f ms", v / 1000)
            : String.format(Locale.ROOT, "%.1f µs", v);
      case NANOS:
        return v >= 10_000
            ? String.format(Locale.ROOT, "%.1f µs", v / 1000)
            : String.format(Locale.ROOT, "%.0f ns", v);
      case BYTES:
        return v >= 1024
            ? String.format(Locale.ROOT, "%.1f KiB", v / 1024)
            : String.format(Locale.ROOT, "%.0f B", v);
      default:
        return String.format(Locale.ROOT, "%.0f", v);
    }
  }
}
