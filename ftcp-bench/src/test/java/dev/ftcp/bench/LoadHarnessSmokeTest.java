package dev.ftcp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness's CI smoke run: every workload, every contender, about half a second each. It
 * asserts that everything ran and was reported, never how fast: CI machines are shared and
 * noisy, and speed is judged from full runs, not from this.
 */
class LoadHarnessSmokeTest {

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void smokeRunReportsEveryWorkloadAndContender(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("smoke.json");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int status;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      status = LoadHarness.run(out, "--smoke", "--json", json.toString());
    }
    String table = buf.toString(StandardCharsets.UTF_8);
    System.out.println(table); // the CI log shows the smoke table

    assertThat(status).isZero();
    assertThat(json).exists();
    String report = Files.readString(json);
    for (Workload w : Workloads.all(HarnessConfig.parse("--smoke"))) {
      assertThat(table).contains(w.id());
      assertThat(report).contains("\"id\": \"" + w.id() + "\"");
      for (Contender c : w.contenders()) {
        assertThat(table).contains(c.isFtcp() ? c.key() : c.name());
        if (c.versus() != null) {
          // Its row against the configuration it is compared with, and the ratio in the JSON.
          String versusName = w.contenders().stream()
              .filter(v -> v.key().equals(c.versus())).findFirst().orElseThrow().name();
          assertThat(table).as(w.id() + " " + c.key())
              .containsPattern(Pattern.quote(c.key()) + " +\\S+(?: \\S+)? {2}"
                  + Pattern.quote(versusName) + " ");
          assertThat(report).contains("\"versus\": \"" + c.versus() + "\"");
        }
      }
    }
    // rr-vthreads runs where the JVM has virtual threads, and says it was skipped elsewhere.
    if (Runtime.version().feature() >= 21) {
      assertThat(table).containsPattern("rr-vthreads +req/s +ftcp +\\d");
      assertThat(table).doesNotContain("rr-vthreads / ftcp: skipped");
    } else {
      assertThat(table).contains("rr-vthreads / ftcp: skipped: needs virtual threads");
      assertThat(report).contains("\"note\": \"skipped: needs virtual threads");
    }
    // A contender whose figures swing between runs reports their spread in the JSON.
    assertThat(report).contains("\"spread\": {");
    assertThat(table).contains("ftcp ÷ baseline").contains(Metric.CPU_PER_OP.label());
    assertThat(report).contains("\"" + Metric.CPU_PER_OP.jsonName() + "\"");
    assertThat(table).doesNotContain("FAILED");
    assertThat(report).doesNotContain("\"error\"");
    assertThat(report).contains("\"latency\": {", "\"p99.99\": ");
    // The charts beside the JSON: drawing them costs about a second.
    for (String chart : new String[] {"ratios", "rr-1-latency", "idle-latency"}) {
      Path png = dir.resolve("smoke-" + chart + ".png");
      assertThat(table).contains("chart written to " + png.toAbsolutePath());
      assertThat(Files.size(png)).isPositive();
    }
  }
}
