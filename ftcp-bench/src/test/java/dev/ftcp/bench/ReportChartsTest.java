package dev.ftcp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.bench.charts.Charts;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's JSON as the harness writes it, with each run's latency series, read back by the
 * charts: any contender key, ftcp configurations and baselines alike.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReportChartsTest {

  @Test
  void theReportCarriesEachRunsSeriesAndItsChartsAreDrawnFromIt(@TempDir Path dir)
      throws Exception {
    Scenario none = spec -> new Result();
    Workload rr = new Workload("rr-1", "request/reply", List.of(Metric.P50_MICROS,
        Metric.P99_MICROS, Metric.P999_MICROS, Metric.REQS_PER_SEC),
        new RunSpec(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), 64, false,
            1, 1, false),
        List.of(Contender.ftcpDefault(none),
            Contender.ftcpVariant("ftcp, callbacks on the I/O thread", "ftcp-direct", none),
            new Contender("plain java.net.Socket", "socket", none)));
    Map<Workload, List<Outcome>> outcomes = new LinkedHashMap<>();
    List<Outcome> os = rr.contenders().stream().map(Outcome::new).toList();
    for (int i = 0; i < os.size(); i++) {
      for (int run = 0; run < 3; run++) {
        LatencyRecorder rec = new LatencyRecorder(5000);
        rec.start();
        for (int k = 1; k <= 5000; k++) {
          rec.record((20_000L + 7L * k * (i + 1) + run * 3000L) * (k % 997 == 0 ? 40 : 1));
        }
        rec.stop();
        os.get(i).add(rec.percentilesInto(new Result().put(Metric.REQS_PER_SEC, 10_000 + i)));
      }
    }
    outcomes.put(rr, os);
    Path json = dir.resolve("results.json");
    Map<String, String> machine = new LinkedHashMap<>(Map.of("jdk", "17", "cores", "2"));
    new Report(HarnessConfig.parse("--smoke"), machine, "ftcp-bench --smoke", "2026-12-07",
        outcomes).writeJson(json);

    String text = Files.readString(json);
    assertThat(text).contains("\"latency\": {", "\"samples\": 5000", "\"p99.99\": ",
        "\"p100\": ");

    Charts.Drawn drawn = Charts.drawBeside(json);
    assertThat(drawn.written()).containsExactly(dir.resolve("results-ratios.png"),
        dir.resolve("results-rr-1-latency.png"));
    assertThat(drawn.notes()).singleElement().asString().contains("no idle");
    for (Path png : drawn.written()) {
      assertThat(Files.readAllBytes(png)).startsWith(0x89, 'P', 'N', 'G');
      BufferedImage image = ImageIO.read(png.toFile());
      assertThat(image.getWidth()).isEqualTo(1000);
      assertThat(image.getHeight()).isBetween(300, 700);
    }
  }
}
