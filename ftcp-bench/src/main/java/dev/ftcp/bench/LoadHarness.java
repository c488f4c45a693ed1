package dev.ftcp.bench;

import dev.ftcp.bench.charts.Charts;
import dev.ftcp.bench.netty.Transport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The end-to-end load harness: runs every selected workload for ftcp and for each baseline, in
 * one JVM, alternating (the order of contenders flips on every other run, so neither side always
 * gets the warmer JIT or the cooler machine), then prints one table of medians and ratios and
 * writes the JSON report. A scenario that fails or hangs is reported as such and the run goes
 * on: one broken contender must not hide the others' figures.
 */
public final class LoadHarness {
  /** Time a scenario may take beyond its warm-up and measurement before it counts as hung. */
  private static final Duration GRACE = Duration.ofSeconds(60);
  /** The idle workload also opens and measures thousands of connections. */
  private static final Duration IDLE_GRACE = Duration.ofSeconds(180);
  /** In a smoke run, small and short: a hang must not eat CI's time budget. */
  private static final Duration SMOKE_GRACE = Duration.ofSeconds(20);

  private LoadHarness() {}

  /**
   * Runs the harness with command-line {@code args}, printing to {@code out}.
   *
   * @return the process exit status: 0, or 2 for a bad command line
   */
  public static int run(PrintStream out, String... args) throws Exception {
    HarnessConfig config;
    try {
      if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
        out.println(HarnessConfig.USAGE);
        return 0;
      }
      boolean list = List.of(args).contains("--list");
      config = HarnessConfig.parse(list ? new String[0] : args);
      if (list) {
        for (Workload w : Workloads.all(config)) {
          out.println(w.id() + "  " + w.title());
        }
        return 0;
      }
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      return 2;
    }
    if (config.chartsFrom() != null) {
      if (!Files.isRegularFile(config.chartsFrom())) {
        out.println("--charts-from: no file " + config.chartsFrom());
        return 2;
      }
      return drawCharts(out, config.chartsFrom()) ? 0 : 1;
    }

    List<Workload> workloads = new ArrayList<>();
    for (Workload w : Workloads.all(config)) {
      if (config.selects(w.id())) {
        workloads.add(w);
      }
    }
    if (workloads.isEmpty()) {
      out.println("no workload matches --only " + config.only() + "; try --list");
      return 2;
    }

    Map<String, String> machine = machine();
    out.println("ftcp-bench: " + workloads.size() + " workload(s), " + config.runs()
        + " run(s), " + config.warmup().toMillis() + " ms warm-up + "
        + config.duration().toMillis() + " ms each (idle: " + config.idleWarmup().toMillis()
        + " ms warm-up)" + (config.smoke() ? " (smoke)" : ""));
    out.println("machine: " + machine);
    long limit = Fds.limit();
    if (limit >= 0 && limit < 2L * config.idleConnections() + Fds.RESERVE
        && workloads.stream().anyMatch(w -> w.id().equals("idle"))) {
      out.println("note: open-file limit " + limit + ": the idle workload keeps each side of its "
          + config.idleConnections() + " connections in its own process to fit");
    }

    Map<Workload, List<Outcome>> outcomes = new LinkedHashMap<>();
    for (Workload w : workloads) {
      List<Outcome> os = new ArrayList<>();
      w.contenders().forEach(c -> os.add(new Outcome(c)));
      outcomes.put(w, os);
    }
    long started = System.nanoTime();
    for (int run = 1; run <= config.runs(); run++) {
      for (Workload w : workloads) {
        List<Outcome> order = new ArrayList<>(outcomes.get(w));
        if (run % 2 == 0) {
          Collections.reverse(order);
        }
        for (Outcome o : order) {
          if (!config.runs(o.contender)) {
            continue;
          }
          RunSpec spec = config.scale(w);
          Duration grace = config.smoke() ? SMOKE_GRACE
              : w.id().equals("idle") ? IDLE_GRACE : GRACE;
          Result r = runOne(o.contender, spec, grace);
          o.add(r);
          out.println(progress(run, config.runs(), w, o.contender, r));
        }
      }
    }
    out.printf(Locale.ROOT, "ran for %.1f s%n", (System.nanoTime() - started) / 1e9);

    String date = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    Report report = new Report(config, machine, "ftcp-bench " + String.join(" ", args), date,
        outcomes);
    report.printTable(out);
    report.writeJson(config.json());
    out.println("JSON written to " + config.json().toAbsolutePath());
    drawCharts(out, config.json()); // a chart that fails to draw leaves the run's figures be
    return 0;
  }

  /** Draws the charts of the report at {@code json} beside it; false if that failed. */
  private static boolean drawCharts(PrintStream out, Path json) {
    try {
      Charts.Drawn drawn = Charts.drawBeside(json);
      drawn.notes().forEach(n -> out.println("charts: " + n));
      drawn.written().forEach(p -> out.println("chart written to " + p.toAbsolutePath()));
      return true;
    } catch (IOException | IllegalArgumentException e) {
      out.println("charts of " + json + " not drawn: " + e.getMessage());
      return false;
    } catch (RuntimeException e) {
      out.println("charts of " + json + " not drawn: a fault in drawing them:");
      e.printStackTrace(out);
      return false;
    }
  }

  /** Runs one scenario on a thread of its own, so a hung one can be abandoned. */
  private static Result runOne(Contender c, RunSpec spec, Duration grace) {
    // Each scenario starts from a collected heap, not from the garbage the one before left
    // (ten thousand idle connections' worth, after the idle workload).
    System.gc();
    CompletableFuture<Result> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(c.scenario().run(spec));
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "scenario-" + c.key());
    t.setDaemon(true);
    t.start();
    long limit = spec.warmup().plus(spec.duration()).plus(grace).toMillis();
    try {
      return f.get(limit, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return Result.failed(e.getCause());
    } catch (TimeoutException e) {
      t.interrupt();
      return Result.failed(new TimeoutException("no result after " + limit + " ms"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Result.failed(e);
    } finally {
      // Each scenario starts from a clean heap, and its garbage is not the next one's pause.
      System.gc();
    }
  }

  private static String progress(int run, int runs, Workload w, Contender c, Result r) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "[%d/%d] %-16s %-22s ",
        run, runs, w.id(), c.key()));
    if (r.error() != null) {
      sb.append("FAILED: ").append(r.error());
    } else {
      for (Metric m : w.metrics()) {
        sb.append(m.label()).append(' ').append(m.format(r.get(m))).append("  ");
      }
      if (r.note() != null) {
        sb.append("(").append(r.note()).append(")");
      }
    }
    return sb.toString().stripTrailing();
  }

  static Map<String, String> machine() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("jdk", System.getProperty("java.version"));
    m.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    m.put("maxHeap", (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
    m.put("transport", Transport.name());
    m.put("tls", Tls.providerName());
    m.put("openFileLimit", Long.toString(Fds.limit()));
    return m;
  }
}
