package dev.ftcp.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HarnessConfigTest {

  @Test
  void defaultsAreAFullRun() {
    HarnessConfig c = HarnessConfig.parse();
    assertThat(c.duration()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.runs()).isEqualTo(3);
    assertThat(c.smoke()).isFalse();
    assertThat(c.fanInConnections()).isEqualTo(1000);
    assertThat(c.idleConnections()).isEqualTo(10_000);
    assertThat(c.threadCosts()).isFalse();
  }

  @Test
  void threadsAsksEveryWindowForItsThreadsCosts() {
    HarnessConfig c = HarnessConfig.parse("--threads");
    assertThat(c.threadCosts()).isTrue();
    assertThat(c.scale(Workloads.all(c).get(0)).threadCosts()).isTrue();
  }

  @Test
  void smokeIsShortAndSmallButExplicitFlagsWin() {
    HarnessConfig c = HarnessConfig.parse("--runs", "2", "--smoke", "--json", "x.json");
    assertThat(c.smoke()).isTrue();
    assertThat(c.duration()).isLessThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(c.runs()).isEqualTo(2);
    assertThat(c.idleConnections()).isLessThan(1000);
    assertThat(c.json()).isEqualTo(Path.of("x.json"));
  }

  @Test
  void chartsFromNamesAReportToRedraw() {
    assertThat(HarnessConfig.parse().chartsFrom()).isNull();
    assertThat(HarnessConfig.parse("--charts-from", "docs/bench-results.json").chartsFrom())
        .isEqualTo(Path.of("docs/bench-results.json"));
    assertThatThrownBy(() -> HarnessConfig.parse("--charts-from"))
        .hasMessageContaining("needs a value");
  }

  @Test
  void theIdleWorkloadHasAWarmUpOfItsOwn() {
    HarnessConfig c = HarnessConfig.parse("--warmup", "3s", "--idle-warmup", "7s");
    for (Workload w : Workloads.all(c)) {
      assertThat(c.scale(w).warmup())
          .isEqualTo(w.id().equals("idle") ? Duration.ofSeconds(7) : Duration.ofSeconds(3));
    }
    assertThat(HarnessConfig.parse().idleWarmup()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void durationsTakeUnits() {
    assertThat(HarnessConfig.parseDuration("--d", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(HarnessConfig.parseDuration("--d", "2.5s")).isEqualTo(Duration.ofMillis(2500));
    assertThat(HarnessConfig.parseDuration("--d", "2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(HarnessConfig.parseDuration("--d", "3")).isEqualTo(Duration.ofSeconds(3));
    assertThatThrownBy(() -> HarnessConfig.parseDuration("--d", "soon"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--d");
    assertThatThrownBy(() -> HarnessConfig.parseDuration("--d", "0s"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
  }

  @Test
  void onlySelectsByIdOrPrefix() {
    HarnessConfig c = HarnessConfig.parse("--only", "oneway-64,idle");
    assertThat(c.selects("oneway-64-plain")).isTrue();
    assertThat(c.selects("oneway-64-tls")).isTrue();
    assertThat(c.selects("oneway-1k-plain")).isFalse();
    assertThat(c.selects("idle")).isTrue();
    assertThat(HarnessConfig.parse().selects("anything")).isTrue();
  }

  @Test
  void badFlagsNameThemselves() {
    assertThatThrownBy(() -> HarnessConfig.parse("--runs", "0"))
        .hasMessageContaining("--runs");
    assertThatThrownBy(() -> HarnessConfig.parse("--frobnicate"))
        .hasMessageContaining("--frobnicate");
    assertThatThrownBy(() -> HarnessConfig.parse("--duration"))
        .hasMessageContaining("needs a value");
  }

  @Test
  void workloadIdsAreUniqueAndFtcpComesFirst() {
    var ids = Workloads.all(HarnessConfig.parse()).stream().map(Workload::id).toList();
    assertThat(ids).doesNotHaveDuplicates()
        .contains("oneway-64-plain", "oneway-1k-plain", "oneway-64-tls", "oneway-1k-tls",
            "rr-1", "rr-256", "fanin", "idle");
  }
}
