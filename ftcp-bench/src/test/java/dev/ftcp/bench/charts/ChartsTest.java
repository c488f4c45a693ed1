package dev.ftcp.bench.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ftcp.bench.LatencySeries;
import dev.ftcp.bench.Metric;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.jfree.data.xy.XYSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The charts drawn from small reports in the harness's JSON: one as reports were before the
 * per-run latency series (p50, p99 and p999 only), one with it, one with no baseline.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChartsTest {
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  /** A report's text: rr-1 with ftcp, ftcp-direct and a baseline, idle with two contenders. */
  static String report(boolean series) {
    String rrRuns = String.join(",",
        run(80, 150, 230, series, 30_000), run(86, 156, 231, series, 31_000),
        run(75, 129, 179, series, 33_000));
    String baselineRuns = String.join(",",
        run(55, 100, 182, series, 50_000), run(53, 98, 170, series, 51_000));
    return """
        {"tool": "ftcp-bench", "date": "2026-12-06T17:20:46Z", "command": "ftcp-bench --runs 3",
         "machine": {"jdk": "17.0.15", "cores": "2", "transport": "epoll"},
         "config": {"durationMs": 3000, "runs": 3, "smoke": false},
         "workloads": [
          {"id": "oneway-64-plain", "title": "one-way, 64 B", "metrics": ["msgsPerSec",
            "cpuNanosPerOp", "someFutureMetric"],
           "contenders": [
            {"key": "ftcp", "name": "ftcp", "median": {"msgsPerSec": 11570000},
             "runs": [{"msgsPerSec": 11570000, "cpuNanosPerOp": 150}]},
            {"key": "netty-frame", "name": "raw Netty, a buffer per frame",
             "ftcpRatio": {"msgsPerSec": 3.07, "cpuNanosPerOp": 0.36},
             "ratios": {"ftcp": {"msgsPerSec": 3.07, "cpuNanosPerOp": 0.36,
               "someFutureMetric": 2}},
             "runs": [{"msgsPerSec": 3770000, "cpuNanosPerOp": 412}]}]},
          {"id": "rr-1", "title": "request/reply, 1 outstanding, 64 B",
           "metrics": ["p50Micros", "p99Micros", "p999Micros", "reqsPerSec"],
           "contenders": [
            {"key": "ftcp", "name": "ftcp", "runs": [%s]},
            {"key": "ftcp-direct", "name": "ftcp, callbacks on the I/O thread", "runs": [%s]},
            {"key": "socket", "name": "plain java.net.Socket",
             "ftcpRatio": {"p50Micros": 1.56, "reqsPerSec": 0.66},
             "ratios": {"ftcp": {"p50Micros": 1.56, "p99Micros": 1.55, "p999Micros": null,
               "reqsPerSec": 0.66},
              "ftcp-direct": {"p50Micros": 1.07, "p99Micros": 1.23, "p999Micros": 1.13,
               "reqsPerSec": 0.94}},
             "runs": [%s, {"error": "TimeoutException: no result after 68000 ms"}]}]},
          {"id": "idle", "title": "200 idle connections", "metrics": ["connections",
            "p50Micros", "p99Micros"],
           "contenders": [
            {"key": "ftcp", "name": "ftcp", "runs": [%s]},
            {"key": "netty", "name": "raw Netty", "ftcpRatio": {},
             "ratios": {"ftcp": {"connections": 1, "p50Micros": 1.49, "p99Micros": 2.09}},
             "runs": [%s]}]}]}
        """.formatted(rrRuns, rrRuns, baselineRuns, rrRuns, baselineRuns);
  }

  private static String run(double p50, double p99, double p999, boolean series, int samples) {
    String s = "{\"reqsPerSec\": 11000, \"p50Micros\": " + p50 + ", \"p99Micros\": " + p99
        + ", \"p999Micros\": " + p999;
    if (series) {
      s += ", \"latency\": {\"samples\": " + samples + ", \"micros\": {\"p0\": " + p50 / 2
          + ", \"p10\": " + p50 * 0.7 + ", \"p50\": " + p50 + ", \"p90\": " + p50 * 1.2
          + ", \"p99\": " + p99 + ", \"p99.9\": " + p999 + ", \"p99.99\": " + p999 * 3
          + ", \"p100\": " + p999 * 9 + "}}";
    }
    return s + "}";
  }

  @Test
  void drawsEveryChartBesideTheReport(@TempDir Path dir) throws IOException {
    Path json = write(dir.resolve("bench-results.json"), report(true));
    Charts.Drawn drawn = Charts.drawBeside(json);
    assertThat(drawn.written()).containsExactly(dir.resolve("bench-results-ratios.png"),
        dir.resolve("bench-results-rr-1-latency.png"),
        dir.resolve("bench-results-idle-latency.png"));
    assertThat(drawn.notes()).isEmpty();
    for (Path png : drawn.written()) {
      assertIsAChart(png);
    }
  }

  @Test
  void aReportWithoutSeriesIsDrawnFromP50P99AndP999AndSaysSo(@TempDir Path dir)
      throws IOException {
    Path json = write(dir.resolve("old.json"), report(false));
    Charts.Drawn drawn = Charts.drawBeside(json);
    assertThat(drawn.written()).hasSize(3);
    assertThat(drawn.notes()).hasSize(2)
        .allSatisfy(n -> assertThat(n).contains("drawn from p50, p99 and p999 only"));
    for (Path png : drawn.written()) {
      assertIsAChart(png);
    }
  }

  @Test
  void chartsWithNothingToDrawAreNotWrittenAndStaleOnesGo(@TempDir Path dir) throws IOException {
    String onlyFtcp = """
        {"tool": "ftcp-bench", "date": "d", "workloads": [
          {"id": "rr-vthreads", "title": "t", "metrics": ["reqsPerSec"],
           "contenders": [{"key": "ftcp", "name": "ftcp", "runs": [{"reqsPerSec": 4}]}]}]}
        """;
    Path json = write(dir.resolve("r.json"), onlyFtcp);
    Path stale = write(dir.resolve("r-rr-1-latency.png"), "an earlier run's");
    Charts.Drawn drawn = Charts.drawBeside(json);
    assertThat(drawn.written()).isEmpty();
    assertThat(drawn.notes()).hasSize(3);
    assertThat(stale).doesNotExist();
  }

  @Test
  void aFileThatIsNotAReportIsRefused(@TempDir Path dir) throws IOException {
    assertThatThrownBy(() -> Charts.drawBeside(write(dir.resolve("x.json"), "{\"a\": [1,")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("character");
    assertThatThrownBy(() -> Charts.drawBeside(write(dir.resolve("y.json"), "{\"a\": 1}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ftcp-bench");
  }

  @Test
  void theReportIsReadWithItsSeriesRatiosAndFailures(@TempDir Path dir) throws IOException {
    ResultsFile file = ResultsFile.read(write(dir.resolve("r.json"), report(true)));
    assertThat(file.heading()).contains("JDK 17.0.15", "2 cores", "3 run(s) of 3000 ms");
    ResultsFile.WorkloadResult rr = file.workloads().get(1);
    assertThat(rr.ran()).extracting(ResultsFile.ContenderResult::key)
        .containsExactly("ftcp", "ftcp-direct", "socket");
    ResultsFile.ContenderResult socket = rr.contenders().get(2);
    assertThat(socket.baseline()).isTrue();
    assertThat(socket.label()).isEqualTo("plain java.net.Socket");
    assertThat(socket.ratios().get("ftcp").get("p999Micros")).isNaN();
    assertThat(socket.runs()).hasSize(3);
    assertThat(socket.goodRuns()).hasSize(2);
    LatencySeries s = rr.contenders().get(0).runs().get(0).latency();
    assertThat(s.samples()).isEqualTo(30_000);
    assertThat(s.micros()).containsEntry(99.99, 690.0).containsEntry(100.0, 2070.0);
  }

  @Test
  void ratiosAreTurnedSoThatAboveOneIsBetter() {
    assertThat(RatioChart.advantage(Metric.MSGS_PER_SEC, 3.07)).isEqualTo(3.07);
    assertThat(RatioChart.advantage(Metric.P50_MICROS, 2)).isEqualTo(0.5);
    assertThat(RatioChart.advantage(Metric.CPU_PER_OP, 0.25)).isEqualTo(4);
    assertThat(RatioChart.advantage(Metric.P50_MICROS, Double.NaN)).isNaN();
    assertThat(RatioChart.advantage(Metric.P50_MICROS, 0)).isNaN();
  }

  @Test
  void percentilesSitAtTheirNinesAndTheSlowestPastThem() {
    assertThat(LatencyChart.nines(90)).isCloseTo(1, within(1e-9));
    assertThat(LatencyChart.nines(99.9)).isCloseTo(3, within(1e-9));
    TreeMap<Double, Double> m = new TreeMap<>(Map.of(50.0, 10.0, 99.0, 20.0, 99.9, 30.0,
        99.99, 40.0, 100.0, 50.0));
    // 200 samples: p99.9 and p99.99 are the slowest sample, drawn once at 1 − 1/400.
    XYSeries few = LatencyChart.points("few", new LatencySeries(200, m));
    assertThat(few.getItemCount()).isEqualTo(3);
    assertThat(few.getX(2).doubleValue()).isCloseTo(Math.log10(400), within(1e-9));
    assertThat(few.getY(2).doubleValue()).isEqualTo(50.0);
    // Unknown count: every percentile but p100.
    assertThat(LatencyChart.points("unknown", new LatencySeries(0, m)).getItemCount())
        .isEqualTo(4);
  }

  @Test
  void jsonTreeReadsWhatTheHarnessWrites() {
    @SuppressWarnings("unchecked")
    Map<String, Object> v = (Map<String, Object>) JsonTree.parse("{\"s\": \"a\\\"b\\\\c\\n"
        + "\\u00b5\", \"n\": -4.2e3, \"x\": null, \"t\": true, \"a\": [1, \"b\"], \"o\": {}}");
    assertThat(v).containsExactly(Map.entry("s", "a\"b\\c\nµ"), Map.entry("n", -4200.0),
        new java.util.AbstractMap.SimpleEntry<>("x", null), Map.entry("t", true),
        Map.entry("a", List.of(1.0, "b")), Map.entry("o", Map.of()));
  }

  static void assertIsAChart(Path png) throws IOException {
    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes).as(png.toString()).startsWith(PNG_SIGNATURE);
    assertThat(bytes.length).as(png + " size").isBetween(5_000, 400_000);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isBetween(600, 1000);
    assertThat(image.getHeight()).isBetween(300, 800);
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        colours.add(image.getRGB(x, y));
      }
    }
    assertThat(colours.size()).as(png + ": colours").isGreaterThan(20); // not a blank image
  }

  private static Path write(Path path, String text) throws IOException {
    return Files.writeString(path, text);
  }
}
