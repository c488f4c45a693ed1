package dev.ftcp.bench.charts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a harness report's charts as PNG files beside its JSON: {@code NAME.json} gives
 * {@code NAME-ratios.png} ({@link RatioChart}) and {@code NAME-rr-1-latency.png},
 * {@code NAME-idle-latency.png} ({@link LatencyChart}). The harness calls it after writing the
 * JSON, and {@code --charts-from} on an existing one. Drawing is headless (it sets
 * {@code java.awt.headless}, so call it before anything else in the JVM touches AWT). Runs on
 * the caller's thread, one call at a time; about a second the first time in a JVM (AWT and its
 * fonts), then tens of milliseconds a chart, and some MB of heap while an image is drawn.
 */
public final class Charts {
  /** The workloads whose latency distributions are drawn, each in a chart of its own. */
  public static final List<String> LATENCY_WORKLOADS = List.of("rr-1", "idle");

  private Charts() {}

  /**
   * What a call drew.
   *
   * @param written the PNG files written
   * @param notes what was not drawn and why, or drawn from less than it could be
   */
  public record Drawn(List<Path> written, List<String> notes) {}

  /**
   * Draws the charts of the report at {@code json} beside it. A chart with nothing to draw
   * (no baseline ran, no latency workload ran) is not written, and a file of its name left by
   * an earlier run is deleted, so the charts beside a report are always that report's.
   *
   * @throws IOException if the report cannot be read or a chart cannot be written
   * @throws IllegalArgumentException if the file is not a harness report
   */
  public static Drawn drawBeside(Path json) throws IOException {
    System.setProperty("java.awt.headless", "true");
    ResultsFile file = ResultsFile.read(json);
    List<Path> written = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Path ratios = beside(json, "ratios");
    keepIf(RatioChart.draw(file, ratios, notes), ratios, written);
    for (String id : LATENCY_WORKLOADS) {
      Path png = beside(json, id + "-latency");
      keepIf(LatencyChart.draw(file, id, png, notes), png, written);
    }
    return new Drawn(List.copyOf(written), List.copyOf(notes));
  }

  /** {@code dir/NAME-suffix.png} for {@code dir/NAME.json}. */
  static Path beside(Path json, String suffix) {
    String name = json.getFileName().toString();
    String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    return json.resolveSibling(base + "-" + suffix + ".png");
  }

  private static void keepIf(boolean drawn, Path png, List<Path> written) throws IOException {
    if (drawn) {
      written.add(png);
    } else {
      Files.deleteIfExists(png);
    }
  }
}
