package dev.ftcp.bench.charts;

import dev.ftcp.bench.LatencySeries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A harness JSON report as the charts read it: the workloads, each contender's medians, its
 * ratios and its runs. Reads reports older than the latency series too (their runs have
 * {@code latency() == null}). Immutable.
 *
 * @param date when the run finished, as the report gives it
 * @param heading the run in one line: JDK, cores, runs and their length
 * @param workloads in the report's order
 */
record ResultsFile(String date, String heading, List<WorkloadResult> workloads) {

  /**
   * One workload's figures.
   *
   * @param metrics the JSON names of its metrics ("p50Micros"), in the report's order
   * @param contenders ftcp first, then its other configurations, then the baselines
   */
  record WorkloadResult(String id, String title, List<String> metrics,
      List<ContenderResult> contenders) {

    /** The contenders that ran at least once without failing. */
    List<ContenderResult> ran() {
      return contenders.stream().filter(c -> !c.goodRuns().isEmpty()).toList();
    }
  }

  /**
   * One contender's figures on one workload.
   *
   * @param baseline whether it is a baseline (the report gives baselines ftcp's ratio)
   * @param ratios per ftcp configuration (its key), that configuration's median ÷ this
   *     contender's, per metric; NaN where the report has null
   */
  record ContenderResult(String key, String name, boolean baseline,
      Map<String, Map<String, Double>> ratios, List<RunResult> runs) {

    /** The name a chart shows: an ftcp configuration's key, a baseline's name. */
    String label() {
      return baseline ? name : key;
    }

    List<RunResult> goodRuns() {
      return runs.stream().filter(r -> r.error() == null).toList();
    }
  }

  /**
   * One run's figures.
   *
   * @param values metric JSON name to value
   * @param latency its distribution, or null (a report from before the series, or no latency)
   * @param error why it failed, or null
   */
  record RunResult(Map<String, Double> values, LatencySeries latency, String error) {
    double get(String metric) {
      return values.getOrDefault(metric, Double.NaN);
    }
  }

  /** Reads {@code path}; {@link IllegalArgumentException} if it is not a harness report. */
  static ResultsFile read(Path path) throws IOException {
    Object root = JsonTree.parse(Files.readString(path, StandardCharsets.UTF_8));
    Map<String, Object> r = map(root, "the report");
    if (!"ftcp-bench".equals(r.get("tool"))) {
      throw new IllegalArgumentException(path + " is not an ftcp-bench report (no \"tool\": "
          + "\"ftcp-bench\")");
    }
    Map<String, Object> machine = map(r.getOrDefault("machine", Map.of()), "machine");
    Map<String, Object> config = map(r.getOrDefault("config", Map.of()), "config");
    StringBuilder heading = new StringBuilder("ftcp-bench " + r.get("date"));
    if (machine.containsKey("jdk")) {
      heading.append(", JDK ").append(machine.get("jdk")).append(", ")
          .append(machine.get("cores")).append(" cores, ").append(machine.get("transport"));
    }
    if (config.get("runs") instanceof Double runs
        && config.get("durationMs") instanceof Double ms) {
      heading.append(String.format(Locale.ROOT, ", %.0f run(s) of %.0f ms", runs, ms));
    }
    if (Boolean.TRUE.equals(config.get("smoke"))) {
      heading.append(", SMOKE RUN (figures mean nothing)");
    }
    List<WorkloadResult> workloads = new ArrayList<>();
    for (Object w : list(r.get("workloads"), "workloads")) {
      Map<String, Object> wm = map(w, "a workload");
      List<String> metrics = list(wm.get("metrics"), "metrics").stream()
          .map(String::valueOf).toList();
      List<ContenderResult> contenders = new ArrayList<>();
      for (Object c : list(wm.get("contenders"), "contenders")) {
        contenders.add(contender(map(c, "a contender")));
      }
      workloads.add(new WorkloadResult(String.valueOf(wm.get("id")),
          String.valueOf(wm.get("title")), metrics, List.copyOf(contenders)));
    }
    return new ResultsFile(String.valueOf(r.get("date")), heading.toString(),
        List.copyOf(workloads));
  }

  private static ContenderResult contender(Map<String, Object> c) {
    Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
    map(c.getOrDefault("ratios", Map.of()), "ratios")
        .forEach((subject, byMetric) -> ratios.put(subject, numbers(map(byMetric, "ratios"))));
    List<RunResult> runs = new ArrayList<>();
    for (Object o : list(c.getOrDefault("runs", List.of()), "runs")) {
      Map<String, Object> run = map(o, "a run");
      Object error = run.get("error");
      runs.add(new RunResult(numbers(run), latency(run.get("latency")),
          error == null ? null : String.valueOf(error)));
    }
    return new ContenderResult(String.valueOf(c.get("key")), String.valueOf(c.get("name")),
        c.containsKey("ftcpRatio"), ratios, List.copyOf(runs));
  }

  private static LatencySeries latency(Object o) {
    if (!(o instanceof Map)) {
      return null;
    }
    Map<String, Object> m = map(o, "latency");
    TreeMap<Double, Double> micros = new TreeMap<>();
    map(m.getOrDefault("micros", Map.of()), "latency micros").forEach((k, v) -> {
      double p = LatencySeries.percentOf(k);
      if (!Double.isNaN(p) && v instanceof Double d) {
        micros.put(p, d);
      }
    });
    if (micros.isEmpty()) {
      return null;
    }
    double samples = number(m.get("samples"));
    return new LatencySeries(Double.isNaN(samples) ? 0 : (int) samples, micros);
  }

  /** The entries of {@code m} that are numbers (null read as NaN), in order. */
  private static Map<String, Double> numbers(Map<String, Object> m) {
    Map<String, Double> out = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (v == null || v instanceof Double) {
        out.put(k, v == null ? Double.NaN : (Double) v);
      }
    });
    return out;
  }

  private static double number(Object o) {
    return o instanceof Double d ? d : Double.NaN;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String what) {
    if (!(o instanceof Map)) {
      throw new IllegalArgumentException("not the harness's JSON: " + what + " is not an object");
    }
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o, String what) {
    if (!(o instanceof List)) {
      throw new IllegalArgumentException("not the harness's JSON: " + what + " is not an array");
    }
    return (List<Object>) o;
  }
}
