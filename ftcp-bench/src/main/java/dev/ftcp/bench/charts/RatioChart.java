package dev.ftcp.bench.charts;

import dev.ftcp.bench.Metric;
import dev.ftcp.bench.charts.ResultsFile.ContenderResult;
import dev.ftcp.bench.charts.ResultsFile.WorkloadResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.Size2D;
import org.jfree.data.Range;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The ratios chart: for each workload with baselines, a small bar chart of each ftcp
 * configuration's median against each other contender's (every ratio the report's
 * {@code ratios} hold), per metric, all in one PNG on one shared log scale. Each bar is turned
 * so that above 1 means ftcp did better: rates and connections as ftcp ÷ baseline, latency,
 * heap and CPU/op as baseline ÷ ftcp. A bar's colour is the contender divided by, lighter for
 * ftcp's later configurations. Metrics at 1.00 for every pair (connections held, idle's offered
 * load) are left out and named. Runs on the caller's thread; about a second the first time
 * (AWT's fonts), tens of milliseconds after, a few MB of image.
 */
final class RatioChart {
  static final int WIDTH = 1000;
  private static final int HEADER_HEIGHT = 62;
  private static final int PANEL_HEIGHT = 268;
  private static final int MAX_COLUMNS = 4;
  /** A panel's axes and margins, in bar widths, when sharing out a row's width. */
  private static final int PANEL_OVERHEAD = 14;
  /** How close to 1 every ratio of a metric must be for the metric to be left out. */
  private static final double SAME = 0.005;

  private RatioChart() {}

  /** One workload's bars. */
  private record Panel(WorkloadResult workload, DefaultCategoryDataset data, List<Color> colours,
      List<String> overs, List<String> subjects, List<String> leftOut) {
    /** Its share of a row's width: its bars, or two a metric at least, and its axes. */
    int weight() {
      return Math.max(data.getRowCount(), 2) * data.getColumnCount() + PANEL_OVERHEAD;
    }
  }

  /**
   * Draws {@code file}'s ratios into {@code png}.
   *
   * @return false, with the reason added to {@code notes}, when the report has no ratio to draw
   */
  static boolean draw(ResultsFile file, Path png, List<String> notes) throws IOException {
    List<Panel> panels = new ArrayList<>();
    for (WorkloadResult w : file.workloads()) {
      panel(w).ifPresent(panels::add);
    }
    if (panels.isEmpty()) {
      notes.add("no ratios in the report (no baseline ran): " + png.getFileName()
          + " not drawn");
      return false;
    }
    double lo = 1;
    double hi = 1;
    for (Panel p : panels) {
      for (int r = 0; r < p.data.getRowCount(); r++) {
        for (int c = 0; c < p.data.getColumnCount(); c++) {
          Number v = p.data.getValue(r, c);
          if (v != null) {
            lo = Math.min(lo, v.doubleValue());
            hi = Math.max(hi, v.doubleValue());
          }
        }
      }
    }
    lo = Math.min(0.5, lo / 1.3);
    hi = Math.max(2, hi * 1.3);

    int columns = Math.min(MAX_COLUMNS, panels.size());
    int rows = (panels.size() + columns - 1) / columns;
    int perRow = (panels.size() + rows - 1) / rows;
    int height = HEADER_HEIGHT + rows * PANEL_HEIGHT;
    BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g2 = image.createGraphics();
    try {
      g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g2.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g2.setColor(Color.WHITE);
      g2.fillRect(0, 0, WIDTH, height);
      double y = 4;
      for (TextTitle line : header(file)) {
        // A title lays out its lines for a width before it draws them.
        Size2D size = line.arrange(g2, new RectangleConstraint(new Range(0, WIDTH - 16), null));
        line.draw(g2, new Rectangle2D.Double(8, y, WIDTH - 16, size.height));
        y += size.height;
      }
      for (int row = 0; row < rows; row++) {
        List<Panel> inRow = panels.subList(row * perRow, Math.min(panels.size(),
            (row + 1) * perRow));
        int weights = inRow.stream().mapToInt(Panel::weight).sum();
        double x = 0;
        for (int i = 0; i < inRow.size(); i++) {
          Panel p = inRow.get(i);
          double w = (double) WIDTH * p.weight() / weights;
          chart(p, lo, hi, i == 0).draw(g2, new Rectangle2D.Double(x,
              HEADER_HEIGHT + row * PANEL_HEIGHT, w, PANEL_HEIGHT));
          x += w;
        }
      }
    } finally {
      g2.dispose();
    }
    try (OutputStream out = Files.newOutputStream(png)) {
      ChartUtils.writeBufferedImageAsPNG(out, image, false, 9);
    }
    return true;
  }

  private static List<TextTitle> header(ResultsFile file) {
    List<TextTitle> lines = List.of(
        new TextTitle("ftcp against each other contender: above 1, ftcp did better",
            ChartStyle.TITLE),
        new TextTitle("Medians of the runs; rates and connections as ftcp ÷ contender, latency, "
            + "heap and CPU/op as contender ÷ ftcp. Colour: the contender; shade: which ftcp "
            + "configuration.\n" + file.heading(), ChartStyle.TEXT));
    for (TextTitle t : lines) {
      t.setTextAlignment(HorizontalAlignment.LEFT);
      t.setHorizontalAlignment(HorizontalAlignment.LEFT);
    }
    return lines;
  }

  /** The workload's bars, or empty when no contender holds a ratio (no baseline ran). */
  private static Optional<Panel> panel(WorkloadResult w) {
    List<ContenderResult> all = w.contenders();
    List<String> keys = all.stream().map(ContenderResult::key).toList();
    record Pair(int subject, int over, Map<String, Double> ratios) {}
    List<Pair> pairs = new ArrayList<>();
    for (int d = 0; d < all.size(); d++) {
      for (Map.Entry<String, Map<String, Double>> e : all.get(d).ratios().entrySet()) {
        int s = keys.indexOf(e.getKey());
        if (s >= 0) {
          pairs.add(new Pair(s, d, e.getValue()));
        }
      }
    }
    pairs.sort((a, b) -> a.subject != b.subject ? Integer.compare(a.subject, b.subject)
        : Integer.compare(a.over, b.over));
    int[] overs = pairs.stream().mapToInt(Pair::over).distinct().sorted().toArray();
    int[] subjects = pairs.stream().mapToInt(Pair::subject).distinct().sorted().toArray();

    DefaultCategoryDataset data = new DefaultCategoryDataset();
    List<Color> colours = new ArrayList<>();
    List<String> leftOut = new ArrayList<>();
    for (String name : w.metrics()) {
      Optional<Metric> metric = Arrays.stream(Metric.values())
          .filter(m -> m.jsonName().equals(name)).findFirst();
      if (metric.isEmpty()) {
        continue; // a metric this build does not know: which way is better is unknown
      }
      boolean differs = false;
      for (Pair p : pairs) {
        double a = advantage(metric.get(), p.ratios.getOrDefault(name, Double.NaN));
        differs |= !Double.isNaN(a) && Math.abs(a - 1) >= SAME;
      }
      if (!differs) {
        leftOut.add(metric.get().label());
        continue;
      }
      for (Pair p : pairs) {
        double a = advantage(metric.get(), p.ratios.getOrDefault(name, Double.NaN));
        // A missing ratio still takes its slot, so each pair keeps its colour and place.
        data.addValue(Double.isNaN(a) ? null : a, keys.get(p.subject) + " ÷ "
            + keys.get(p.over), metric.get().label());
      }
    }
    if (data.getColumnCount() == 0) {
      return Optional.empty();
    }
    for (Pair p : pairs) {
      colours.add(colour(Arrays.binarySearch(overs, p.over),
          Arrays.binarySearch(subjects, p.subject)));
    }
    return Optional.of(new Panel(w, data, colours,
        Arrays.stream(overs).mapToObj(keys::get).toList(),
        Arrays.stream(subjects).mapToObj(keys::get).toList(), leftOut));
  }

  /** The contender divided by picks the hue, the ftcp configuration how light it is. */
  private static Color colour(int over, int subject) {
    return ChartStyle.lighter(ChartStyle.colour(over), Math.min(0.6, 0.38 * subject));
  }

  /** The ratio turned so that above 1 is better for ftcp; NaN where there is none. */
  static double advantage(Metric m, double ratio) {
    if (Double.isNaN(ratio) || Double.isInfinite(ratio) || ratio <= 0) {
      return Double.NaN;
    }
    return m.higherIsBetter() ? ratio : 1 / ratio;
  }

  private static JFreeChart chart(Panel p, double lo, double hi, boolean firstInRow) {
    CategoryAxis metrics = new CategoryAxis(null);
    metrics.setTickLabelFont(ChartStyle.SMALL);
    metrics.setCategoryMargin(0.25);
    metrics.setMaximumCategoryLabelLines(2);
    metrics.setMaximumCategoryLabelWidthRatio(1.4f);
    metrics.setLowerMargin(0.04);
    metrics.setUpperMargin(0.04);

    LogAxis ratio = new LogAxis(firstInRow ? "× better for ftcp (log)" : null);
    ratio.setBase(2);
    ratio.setTickUnit(new NumberTickUnit(1));
    ratio.setNumberFormatOverride(new DecimalFormat("0.###"));
    ratio.setTickLabelFont(ChartStyle.SMALL);
    ratio.setLabelFont(ChartStyle.SMALL);
    ratio.setRange(lo, hi);

    BarRenderer bars = new BarRenderer();
    bars.setBase(1);
    bars.setIncludeBaseInRange(true);
    bars.setShadowVisible(false);
    bars.setBarPainter(new StandardBarPainter());
    bars.setItemMargin(0.03);
    bars.setDrawBarOutline(false);
    for (int i = 0; i < p.colours.size(); i++) {
      bars.setSeriesPaint(i, p.colours.get(i));
    }

    CategoryPlot plot = new CategoryPlot(p.data, metrics, ratio, bars);
    plot.setOrientation(PlotOrientation.VERTICAL);
    plot.setRangeGridlinePaint(ChartStyle.GRID);
    plot.setDomainGridlinesVisible(false);
    plot.addRangeMarker(new ValueMarker(1, Color.BLACK, new BasicStroke(1.2f)));
    // One legend entry per contender divided by, and per ftcp configuration when there are
    // several, rather than one per pair.
    LegendItemCollection legend = new LegendItemCollection();
    for (int o = 0; o < p.overs.size(); o++) {
      legend.add(new LegendItem("÷ " + p.overs.get(o), colour(o, 0)));
    }
    if (p.subjects.size() > 1) {
      for (int s = 0; s < p.subjects.size(); s++) {
        legend.add(new LegendItem(p.subjects.get(s),
            ChartStyle.lighter(Color.DARK_GRAY, Math.min(0.6, 0.38 * s))));
      }
    }
    plot.setFixedLegendItems(legend);

    JFreeChart chart = new JFreeChart(p.workload.id(), ChartStyle.PANEL_TITLE, plot, true);
    String sub = p.workload.title();
    if (!p.leftOut.isEmpty()) {
      sub += "; left out, 1.00 throughout: " + String.join(", ", p.leftOut);
    }
    chart.addSubtitle(ChartStyle.line(sub));
    ChartStyle.apply(chart, plot);
    chart.getLegend().setPosition(RectangleEdge.BOTTOM);
    chart.setPadding(new org.jfree.chart.ui.RectangleInsets(4, 4, 4, 6));
    return chart;
  }
}
