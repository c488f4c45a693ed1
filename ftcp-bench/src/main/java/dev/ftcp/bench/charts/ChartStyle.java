package dev.ftcp.bench.charts;

import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;

/**
 * The look every chart shares: fonts, a palette that stays apart in print, white backgrounds.
 * Stateless; safe from any thread.
 */
final class ChartStyle {
  static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
  static final Font PANEL_TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 12);
  static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
  static final Color GRID = new Color(0xdddddd);

  /** Tableau's ten colours, in their order. */
  private static final Color[] PALETTE = {
      new Color(0x4e79a7), new Color(0xf28e2b), new Color(0xe15759), new Color(0x76b7b2),
      new Color(0x59a14f), new Color(0xedc948), new Color(0xb07aa1), new Color(0xff9da7),
      new Color(0x9c755f), new Color(0xbab0ac)};

  private ChartStyle() {}

  /** The {@code i}th colour, starting over after ten. */
  static Color colour(int i) {
    return PALETTE[Math.floorMod(i, PALETTE.length)];
  }

  /** {@code c} moved towards white by {@code amount} (0: itself, 1: white). */
  static Color lighter(Color c, double amount) {
    return new Color(
        (int) Math.round(c.getRed() + (255 - c.getRed()) * amount),
        (int) Math.round(c.getGreen() + (255 - c.getGreen()) * amount),
        (int) Math.round(c.getBlue() + (255 - c.getBlue()) * amount));
  }

  /** {@code c} with {@code alpha} (0 to 255). */
  static Paint faint(Color c, int alpha) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
  }

  /** White backgrounds, grey grid lines, the shared fonts for titles and the legend. */
  static void apply(JFreeChart chart, Plot plot) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setOutlinePaint(GRID);
    LegendTitle legend = chart.getLegend();
    if (legend != null) {
      legend.setItemFont(SMALL);
      legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
    }
  }

  /** A subtitle line in the small font. */
  static TextTitle line(String text) {
    TextTitle t = new TextTitle(text, SMALL);
    t.setPaint(Color.DARK_GRAY);
    return t;
  }
}
