package dev.ftcp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as a user gets it: runnable, still carrying JMH's generated benchmark list
 * (a resource that a careless shade configuration drops, leaving "No matching benchmarks"), and
 * drawing charts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShadedJarIT {
  private static final Path JAR = Path.of(System.getProperty("ftcp.bench.jar",
      "target/ftcp-bench.jar"));

  @Test
  void jarNamesTheHarnessAsMainClassAndKeepsTheBenchmarkList() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo(Main.class.getName());
      assertThat(jar.getEntry("META-INF/BenchmarkList")).isNotNull();
      assertThat(jar.getEntry("module-info.class")).isNull();
    }
  }

  @Test
  void jmhListsEveryBenchmarkFromTheJar() throws Exception {
    String out = run("jmh", "-l");
    assertThat(out).contains(
        "FrameEncodeBenchmark.encode",
        "FrameDecodeBenchmark.decode",
        "WritePathBenchmark.writeReused",
        "ReaderHandoffBenchmark.read");
  }

  @Test
  void harnessListsItsWorkloads() throws Exception {
    assertThat(run("--list")).contains("oneway-64-plain", "rr-256", "idle");
  }

  /** JFreeChart and AWT's headless drawing from the merged jar, as a user redraws charts. */
  @Test
  void harnessRedrawsChartsFromAReport(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("r.json");
    Files.writeString(json, """
        {"tool": "ftcp-bench", "date": "d", "workloads": [
          {"id": "rr-1", "title": "request/reply", "metrics": ["p50Micros"], "contenders": [
            {"key": "ftcp", "name": "ftcp", "runs": [{"p50Micros": 80, "p99Micros": 150}]},
            {"key": "netty-pingpong", "name": "raw Netty ping-pong", "ftcpRatio": {},
             "ratios": {"ftcp": {"p50Micros": 1.5}}, "runs": [{"p50Micros": 53}]}]}]}
        """);
    assertThat(run("--charts-from", json.toString())).contains("chart written to");
    assertThat(dir.resolve("r-ratios.png")).isNotEmptyFile();
    assertThat(dir.resolve("r-rr-1-latency.png")).isNotEmptyFile();
  }

  private static String run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
