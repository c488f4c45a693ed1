package dev.ftcp.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every run of one contender on one workload, and their medians. Not thread-safe. */
final class Outcome {
  final Contender contender;
  final List<Result> runs = new ArrayList<>();

  Outcome(Contender contender) {
    this.contender = contender;
  }

  void add(Result r) {
    runs.add(r);
  }

  /** The median of each metric over the runs that measured it; NaN where none did. */
  Map<Metric, Double> medians() {
    Map<Metric, Double> m = new EnumMap<>(Metric.class);
    for (Metric metric : Metric.values()) {
      double[] vs = sorted(metric);
      if (vs.length > 0) {
        m.put(metric, median(vs));
      }
    }
    return m;
  }

  /**
   * The lowest, median and highest value of {@code metric} over the runs that measured it;
   * null where none did.
   */
  double[] spread(Metric metric) {
    double[] vs = sorted(metric);
    return vs.length == 0 ? null : new double[] {vs[0], median(vs), vs[vs.length - 1]};
  }

  private double[] sorted(Metric metric) {
    return runs.stream()
        .mapToDouble(r -> r.get(metric))
        .filter(v -> !Double.isNaN(v))
        .sorted()
        .toArray();
  }

  double median(Metric metric) {
    return medians().getOrDefault(metric, Double.NaN);
  }

  /** Distinct failure messages of the runs, in order. */
  Set<String> errors() {
    Set<String> s = new LinkedHashSet<>();
    runs.stream().map(Result::error).filter(e -> e != null).forEach(s::add);
    return s;
  }

  /** Distinct notes of the runs, in order. */
  Set<String> notes() {
    Set<String> s = new LinkedHashSet<>();
    runs.stream().map(Result::note).filter(n -> n != null).forEach(s::add);
    return s;
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  @Override
  public String toString() {
    return contender.key() + Arrays.toString(runs.toArray());
  }
}
