package dev.ftcp.bench.charts;

import dev.ftcp.bench.LatencySeries;
import dev.ftcp.bench.charts.ResultsFile.ContenderResult;
import dev.ftcp.bench.charts.ResultsFile.RunResult;
import dev.ftcp.bench.charts.ResultsFile.WorkloadResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A latency workload's chart: every contender's latency by percentile, x on a scale of nines
 * (50, 90, 99, 99.9, 99.99: each step a tenth of the requests left), y on a log scale. Each
 * contender's median run (by p50) is drawn solid, its other runs faint in the same colour, so a
 * contender whose runs spread shows it. A run's last point is its slowest request (see
 * {@link #points}). Reports from before the per-run series have only p50, p99 and
 * p999: the curves are drawn from those three points, and the subtitle says so. Runs on the
 * caller's thread; tens of milliseconds once AWT is up.
 */
final class LatencyChart {
  static final int WIDTH = 1000;
  static final int HEIGHT = 600;
  private static final String[] SUMMARY = {"p50Micros", "p99Micros", "p999Micros"};
  private static final double[] SUMMARY_PERCENTS = {50, 99, 99.9};

  private LatencyChart() {}

  /** One contender's runs, as curves, and which of them is its median run. */
  private record Curves(ContenderResult contender, List<XYSeries> runs, int median) {}

  /**
   * Draws {@code workloadId}'s latency chart from {@code file} into {@code png}.
   *
   * @return false, with the reason added to {@code notes}, when the report has no latencies
   *     for it
   */
  static boolean draw(ResultsFile file, String workloadId, Path png, List<String> notes)
      throws IOException {
    Optional<WorkloadResult> found = file.workloads().stream()
        .filter(w -> w.id().equals(workloadId)).findFirst();
    if (found.isEmpty()) {
      notes.add("no " + workloadId + " in the report: " + png.getFileName() + " not drawn");
      return false;
    }
    WorkloadResult w = found.get();
    List<Curves> curves = new ArrayList<>();
    boolean summaryOnly = false;
    for (ContenderResult c : w.ran()) {
      List<RunResult> runs = c.goodRuns().stream()
          .filter(r -> r.latency() != null || !Double.isNaN(r.get(SUMMARY[0])))
          .sorted(Comparator.comparingDouble(LatencyChart::p50))
          .toList();
      if (runs.isEmpty()) {
        continue;
      }
      List<XYSeries> series = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        RunResult r = runs.get(i);
        summaryOnly |= r.latency() == null;
        series.add(points(c.label() + (i == (runs.size() - 1) / 2 ? "" : " #" + i),
            r.latency() != null ? r.latency() : summary(r)));
      }
      curves.add(new Curves(c, series, (runs.size() - 1) / 2));
    }
    if (curves.isEmpty()) {
      notes.add(workloadId + " has no latency figures in the report: " + png.getFileName()
          + " not drawn");
      return false;
    }
    if (summaryOnly) {
      notes.add(png.getFileName() + ": drawn from p50, p99 and p999 only (the report has no "
          + "per-run latency series; a new run writes them)");
    }

    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
    double right = 0;
    for (int c = 0; c < curves.size(); c++) {
      Curves cv = curves.get(c);
      Color colour = ChartStyle.colour(c);
      for (int r = 0; r < cv.runs.size(); r++) {
        XYSeries s = cv.runs.get(r);
        int i = data.getSeriesCount();
        data.addSeries(s);
        right = Math.max(right, s.getMaxX());
        boolean median = r == cv.median;
        lines.setSeriesPaint(i, median ? colour : ChartStyle.faint(colour, 80));
        lines.setSeriesStroke(i, new BasicStroke(median ? 2.2f : 1.2f));
        lines.setSeriesShape(i, median ? new Ellipse2D.Double(-3, -3, 6, 6)
            : new Ellipse2D.Double(-2, -2, 4, 4));
        lines.setSeriesVisibleInLegend(i, median);
      }
    }

    NinesAxis percentile = new NinesAxis();
    percentile.setRange(0, Math.max(right, 2) + 0.15);
    LatencyAxis latency = new LatencyAxis();

    XYPlot plot = new XYPlot(data, percentile, latency, lines);
    plot.setDomainGridlinePaint(ChartStyle.GRID);
    plot.setRangeGridlinePaint(ChartStyle.GRID);
    JFreeChart chart = new JFreeChart(w.id() + ": latency by percentile", ChartStyle.TITLE, plot,
        true);
    chart.addSubtitle(ChartStyle.line(w.title() + "; " + file.heading()));
    chart.addSubtitle(ChartStyle.line(summaryOnly
        ? "from p50, p99 and p999 only: this report predates the per-run percentile series. "
            + "Solid: each contender's median run (by p50); faint: its other runs"
        : "solid: each contender's median run (by p50); faint: its other runs; each run's last "
            + "point is its slowest request"));
    ChartStyle.apply(chart, plot);
    chart.getLegend().setPosition(RectangleEdge.RIGHT);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    return true;
  }

  private static double p50(RunResult r) {
    if (r.latency() != null && r.latency().micros().containsKey(50.0)) {
      return r.latency().micros().get(50.0);
    }
    return r.get(SUMMARY[0]);
  }

  /** The p50, p99 and p999 that every report has, as a series of unknown sample count. */
  private static LatencySeries summary(RunResult r) {
    NavigableMap<Double, Double> m = new TreeMap<>();
    for (int i = 0; i < SUMMARY.length; i++) {
      double v = r.get(SUMMARY[i]);
      if (!Double.isNaN(v)) {
        m.put(SUMMARY_PERCENTS[i], v);
      }
    }
    return new LatencySeries(0, m);
  }

  /**
   * The curve of {@code s}: each percentile at its nines. Where the sample count is known, the
   * percentiles that are the slowest sample itself (nearest rank n of n) give way to it, drawn
   * at 1 − 1/(2n), halfway into the last 1/n of requests that it stands for; where the count is
   * not known, p100 has no place and is left out.
   */
  static XYSeries points(String key, LatencySeries s) {
    XYSeries xy = new XYSeries(key, true, false);
    int n = s.samples();
    for (Map.Entry<Double, Double> e : s.micros().entrySet()) {
      double p = e.getKey();
      boolean slowest = n > 0 ? Math.ceil(p / 100 * n) >= n : p >= 100;
      if (!slowest && e.getValue() > 0) {
        xy.add(nines(p), e.getValue());
      }
    }
    Double max = s.micros().get(100.0);
    if (n > 0 && max != null && max > 0) {
      xy.add(Math.log10(2.0 * n), max);
    }
    return xy;
  }

  /** How many nines a percentile has: 90 → 1, 99 → 2, 99.9 → 3; 100 → infinity. */
  static double nines(double percent) {
    return -Math.log10(1 - percent / 100);
  }

  /** A log axis of latency in microseconds, ticked at 1, 2 and 5 of each decade. */
  private static final class LatencyAxis extends LogAxis {
    private static final double[] STEPS = {1, 2, 5};

    LatencyAxis() {
      super("latency (log scale)");
      setTickLabelFont(ChartStyle.SMALL);
      setLabelFont(ChartStyle.TEXT);
      setSmallestValue(0.01);
    }

    @Override
    public List<NumberTick> refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea,
        RectangleEdge edge) {
      List<NumberTick> ticks = new ArrayList<>();
      int from = (int) Math.floor(Math.log10(getLowerBound()));
      int to = (int) Math.ceil(Math.log10(getUpperBound()));
      for (int decade = from; decade <= to; decade++) {
        for (double step : STEPS) {
          double v = step * Math.pow(10, decade);
          if (v >= getLowerBound() && v <= getUpperBound()) {
            ticks.add(new NumberTick(v, label(v), TextAnchor.CENTER_RIGHT, TextAnchor.CENTER,
                0.0));
          }
        }
      }
      return ticks;
    }

    private static String label(double micros) {
      DecimalFormat f = new DecimalFormat("#,##0.##");
      return micros >= 1000 ? f.format(micros / 1000) + " ms" : f.format(micros) + " µs";
    }
  }

  /** An axis in nines, labelled with the percentiles themselves. */
  private static final class NinesAxis extends NumberAxis {
    private static final double[] TICKS = {0, 50, 90, 99, 99.9, 99.99, 99.999, 99.9999};

    NinesAxis() {
      super("percentile (a scale of nines)");
      setTickLabelFont(ChartStyle.SMALL);
      setLabelFont(ChartStyle.TEXT);
    }

    @Override
    public List<NumberTick> refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea,
        RectangleEdge edge) {
      List<NumberTick> ticks = new ArrayList<>();
      for (double p : TICKS) {
        double x = nines(p);
        if (x >= getLowerBound() && x <= getUpperBound()) {
          ticks.add(new NumberTick(x, LatencySeries.key(p), TextAnchor.TOP_CENTER,
              TextAnchor.CENTER, 0.0));
        }
      }
      return ticks;
    }
  }
}
