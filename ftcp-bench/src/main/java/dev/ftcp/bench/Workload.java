package dev.ftcp.bench;

import java.util.List;

/**
 * One line of the benchmark: what is measured, with which settings, by ftcp (always the first
 * contender, with its defaults; other ftcp configurations may follow it) and by each baseline.
 *
 * @param id stable name used by {@code --only} and in the JSON, e.g. "oneway-64-plain"
 * @param title what a reader of the table needs to know
 * @param metrics the metrics shown, the first being the one the targets are about
 * @param spec the settings of a full run; {@link HarnessConfig} scales them for smoke runs
 * @param contenders ftcp first, then the baselines (ftcp configurations before them)
 */
public record Workload(
    String id, String title, List<Metric> metrics, RunSpec spec, List<Contender> contenders) {

  public Workload {
    if (contenders.isEmpty() || !contenders.get(0).isFtcp()) {
      throw new IllegalArgumentException(id + ": ftcp must be the first contender");
    }
  }
}
