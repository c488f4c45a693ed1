package dev.ftcp.bench;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What one run of one scenario measured, or why it could not. A scenario that did less than it
 * was asked (fewer connections than requested) says so in {@link #note}.
 */
public final class Result {
  private final Map<Metric, Double> values = new EnumMap<>(Metric.class);
  private LatencySeries latency;
  private String note;
  private String error;

  public static Result failed(Throwable t) {
    Result r = new Result();
    String msg = t.getMessage();
    r.error = t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    return r;
  }

  public Result put(Metric m, double v) {
    values.put(m, v);
    return this;
  }

  /** Sets this run's latency distribution (a latency workload's; others have none). */
  public Result latency(LatencySeries series) {
    latency = series;
    return this;
  }

  /** This run's latency distribution, or {@code null} where it measured none. */
  public LatencySeries latency() {
    return latency;
  }

  public Result note(String text) {
    note = note == null ? text : note + "; " + text;
    return this;
  }

  public Map<Metric, Double> values() {
    return Collections.unmodifiableMap(values);
  }

  public double get(Metric m) {
    Double v = values.get(m);
    return v == null ? Double.NaN : v;
  }

  public String note() {
    return note;
  }

  /** Why the scenario failed, or {@code null}. */
  public String error() {
    return error;
  }
}
