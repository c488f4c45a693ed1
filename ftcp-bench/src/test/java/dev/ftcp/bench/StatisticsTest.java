package dev.ftcp.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StatisticsTest {

  @Test
  void percentilesAreNearestRankOverRecordedSamplesOnly() {
    LatencyRecorder r = new LatencyRecorder(2000);
    r.record(999_999_999); // before start(): warm-up, ignored
    r.start();
    for (int i = 1; i <= 1000; i++) {
      r.record(i * 1000L); // 1..1000 µs
    }
    r.stop();
    r.record(999_999_999); // after stop(): ignored
    Result res = r.percentilesInto(new Result());
    assertThat(res.get(Metric.P50_MICROS)).isEqualTo(500.0);
    assertThat(res.get(Metric.P99_MICROS)).isEqualTo(990.0);
    assertThat(res.get(Metric.P999_MICROS)).isEqualTo(999.0);
    assertThat(res.note()).isNull();
  }

  @Test
  void eachRunKeepsItsLatencyDistribution() {
    LatencyRecorder r = new LatencyRecorder(20_000);
    r.start();
    for (int i = 1; i <= 10_000; i++) {
      r.record(i * 1000L); // 1..10000 µs
    }
    r.stop();
    LatencySeries s = r.percentilesInto(new Result()).latency();
    assertThat(s.samples()).isEqualTo(10_000);
    assertThat(s.micros().keySet()).containsExactly(0.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0,
        99.0, 99.5, 99.9, 99.99, 100.0);
    assertThat(s.micros().get(0.0)).isEqualTo(1.0);
    assertThat(s.micros().get(50.0)).isEqualTo(5000.0);
    assertThat(s.micros().get(99.99)).isEqualTo(9999.0);
    assertThat(s.micros().get(100.0)).isEqualTo(10_000.0);
    assertThat(LatencySeries.key(99.99)).isEqualTo("p99.99");
    assertThat(LatencySeries.key(50)).isEqualTo("p50");
    assertThat(LatencySeries.percentOf("p99.9")).isEqualTo(99.9);
    assertThat(LatencySeries.percentOf("p50Micros")).isNaN();
    assertThat(new LatencyRecorder(10).percentilesInto(new Result()).latency()).isNull();
  }

  @Test
  void samplesBeyondCapacityAreCountedNotStored() {
    LatencyRecorder r = new LatencyRecorder(10);
    r.start();
    for (int i = 0; i < 15; i++) {
      r.record(1000);
    }
    assertThat(r.count()).isEqualTo(10);
    assertThat(r.offered()).isEqualTo(15);
    assertThat(r.percentilesInto(new Result()).note()).contains("5 samples beyond capacity");
  }

  @Test
  void medianOfRunsIgnoresFailedOnes() {
    Outcome o = new Outcome(new Contender("x", "x", spec -> new Result()));
    o.add(new Result().put(Metric.MSGS_PER_SEC, 3));
    o.add(Result.failed(new IllegalStateException("boom")));
    o.add(new Result().put(Metric.MSGS_PER_SEC, 1));
    o.add(new Result().put(Metric.MSGS_PER_SEC, 10));
    assertThat(o.median(Metric.MSGS_PER_SEC)).isEqualTo(3.0);
    assertThat(o.median(Metric.P50_MICROS)).isNaN();
    assertThat(o.errors()).containsExactly("IllegalStateException: boom");
    o.add(new Result().put(Metric.MSGS_PER_SEC, 4));
    assertThat(o.median(Metric.MSGS_PER_SEC)).isCloseTo(3.5, within(1e-9));
  }

  @Test
  void spreadOfRunsIsLowestMedianHighest() {
    Outcome o = new Outcome(new Contender("x", "x", spec -> new Result()).withSpread());
    o.add(new Result().put(Metric.P50_MICROS, 60));
    o.add(new Result().put(Metric.P50_MICROS, 5));
    o.add(Result.failed(new IllegalStateException("boom")));
    o.add(new Result().put(Metric.P50_MICROS, 9));
    assertThat(o.spread(Metric.P50_MICROS)).containsExactly(5, 9, 60);
    assertThat(o.spread(Metric.MSGS_PER_SEC)).isNull();
  }

  @Test
  void jsonEscapesAndNestsCorrectly() {
    Json j = new Json();
    j.object(null).field("s", "a\"b\\c\n").field("n", 4_210_000.7).field("x", Double.NaN);
    j.array("a").field(null, "v").field(null, 18.25).endArray().endObject();
    assertThat(j.toString().replaceAll("\\s+", ""))
        .isEqualTo("{\"s\":\"a\\\"b\\\\c\\n\",\"n\":4210001,\"x\":null,\"a\":[\"v\",18.25]}");
  }

  @Test
  void metricsFormatForPeople() {
    assertThat(Metric.MSGS_PER_SEC.format(4_210_000)).isEqualTo("4.21 M");
    assertThat(Metric.P50_MICROS.format(18.34)).isEqualTo("18.3 µs");
    assertThat(Metric.P99_MICROS.format(2500)).isEqualTo("2.50 ms");
    assertThat(Metric.HEAP_PER_CONN.format(5 * 1024 + 200)).isEqualTo("5.2 KiB");
    assertThat(Metric.HEAP_PER_CONN.format(Double.NaN)).isEqualTo("-");
  }
}
