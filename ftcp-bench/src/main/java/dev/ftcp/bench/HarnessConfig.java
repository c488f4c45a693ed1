package dev.ftcp.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The load harness's settings, from its command line. {@code --smoke} first sets short, small
 * defaults; flags given explicitly win over them.
 *
 * @param duration how long each scenario is measured
 * @param warmup how long each scenario runs before it is measured
 * @param idleWarmup the same for the idle workload, whose fresh peer JVM and 10,000
 *     requests a second take far longer than a flat-out workload to reach compiled code
 * @param runs how many times each scenario runs; the median is reported
 * @param smoke whether this is the short CI run (nothing about speed is asserted)
 * @param only workload ids (or prefixes of them) to run; empty runs all
 * @param contenders contender keys to run (ftcp, netty-frame, ...); empty runs all
 * @param json where the JSON report goes; its charts are drawn beside it
 * @param fanInConnections connections of the fan-in workload
 * @param idleConnections connections of the idle workload
 * @param threadCosts whether each window notes its threads' costs per op
 * @param chartsFrom a JSON report to draw the charts of instead of running, or null
 */
public record HarnessConfig(
    Duration duration,
    Duration warmup,
    Duration idleWarmup,
    int runs,
    boolean smoke,
    List<String> only,
    List<String> contenders,
    Path json,
    int fanInConnections,
    int idleConnections,
    boolean threadCosts,
    Path chartsFrom) {

  public static final String USAGE = String.join("\n",
      "usage: java -jar ftcp-bench.jar [options]      the load harness",
      "       java -jar ftcp-bench.jar jmh [JMH options]  the JMH microbenchmarks",
      "",
      "  --duration D     measure each scenario this long (5s; 500ms, 2m, or seconds)",
      "  --warmup D       run each scenario this long before measuring (2s)",
      "  --idle-warmup D  the idle workload's warm-up, in rounds of its requests (20s)",
      "  --runs N         run everything N times, alternating, and report medians (3)",
      "  --smoke          short CI run: 0.5 s per scenario, 1 run, few connections",
      "  --only W[,W..]   only these workloads (an id or a prefix: oneway, rr-1, idle ...)",
      "  --contenders K[,K..]  only these contenders (ftcp, ftcp-resumable, netty-frame ...)",
      "  --json PATH      write the JSON report here (ftcp-bench-results.json), and its",
      "                   charts beside it (PATH without .json, then -ratios.png ...)",
      "  --charts-from PATH  only redraw the charts of the JSON report at PATH, beside it",
      "  --fanin-conns N  connections of the fan-in workload (1000)",
      "  --idle-conns N   connections of the idle workload (10000)",
      "  --threads        note each thread's CPU, allocation and context switches per op",
      "  --list           print the workloads and exit");

  public static HarnessConfig parse(String... args) {
    boolean smoke = Arrays.asList(args).contains("--smoke");
    Duration duration = smoke ? Duration.ofMillis(500) : Duration.ofSeconds(5);
    Duration warmup = smoke ? Duration.ofMillis(200) : Duration.ofSeconds(2);
    Duration idleWarmup = smoke ? Duration.ofMillis(200) : Duration.ofSeconds(20);
    int runs = smoke ? 1 : 3;
    List<String> only = new ArrayList<>();
    List<String> contenders = new ArrayList<>();
    Path json = Path.of("ftcp-bench-results.json");
    int fanIn = smoke ? 50 : 1000;
    int idle = smoke ? 200 : 10_000;
    boolean threadCosts = false;
    Path chartsFrom = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--smoke":
          break;
        case "--duration":
          duration = parseDuration(a, value(args, ++i, a));
          break;
        case "--warmup":
          warmup = parseDuration(a, value(args, ++i, a));
          break;
        case "--idle-warmup":
          idleWarmup = parseDuration(a, value(args, ++i, a));
          break;
        case "--runs":
          runs = parsePositive(a, value(args, ++i, a));
          break;
        case "--only":
          only.addAll(list(value(args, ++i, a)));
          break;
        case "--contenders":
          contenders.addAll(list(value(args, ++i, a)));
          break;
        case "--json":
          json = Path.of(value(args, ++i, a));
          break;
        case "--fanin-conns":
          fanIn = parsePositive(a, value(args, ++i, a));
          break;
        case "--idle-conns":
          idle = parsePositive(a, value(args, ++i, a));
          break;
        case "--threads":
          threadCosts = true;
          break;
        case "--charts-from":
          chartsFrom = Path.of(value(args, ++i, a));
          break;
        default:
          throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
      }
    }
    return new HarnessConfig(duration, warmup, idleWarmup, runs, smoke, List.copyOf(only),
        List.copyOf(contenders), json, fanIn, idle, threadCosts, chartsFrom);
  }

  private static List<String> list(String csv) {
    List<String> items = new ArrayList<>();
    for (String s : csv.split(",")) {
      if (!s.isBlank()) {
        items.add(s.trim());
      }
    }
    return items;
  }

  /** Whether {@code --only} selects this workload: by exact id or by a prefix of it. */
  public boolean selects(String workloadId) {
    return only.isEmpty() || only.stream().anyMatch(workloadId::startsWith);
  }

  /** Whether {@code --contenders} selects this contender (by its key). */
  public boolean runs(Contender c) {
    return contenders.isEmpty() || contenders.contains(c.key());
  }

  /** The spec a workload runs with here: its own settings, with this run's times. */
  public RunSpec scale(Workload w) {
    RunSpec spec = w.spec();
    return new RunSpec(w.id().equals("idle") ? idleWarmup : warmup, duration, spec.payloadSize(),
        spec.tls(), spec.connections(), spec.outstanding(), threadCosts);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
    }
    return args[i];
  }

  static Duration parseDuration(String flag, String s) {
    String v = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return positive(flag, Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))));
      }
      if (v.endsWith("s")) {
        return positive(flag, Duration.ofMillis(
            Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000)));
      }
      if (v.endsWith("m")) {
        return positive(flag, Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60));
      }
      return positive(flag, Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + ": not a duration: " + s + " (try 5s or 500ms)");
    }
  }

  private static Duration positive(String flag, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(flag + " must be positive, was " + d);
    }
    return d;
  }

  private static int parsePositive(String flag, String s) {
    try {
      int n = Integer.parseInt(s.trim());
      if (n < 1) {
        throw new IllegalArgumentException(flag + " must be at least 1, was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + ": not a number: " + s);
    }
  }
}
