package dev.ftcp.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The table and the JSON of a harness run. */
final class Report {
  private final HarnessConfig config;
  private final Map<String, String> machine;
  private final String command;
  private final String date;
  private final Map<Workload, List<Outcome>> outcomes;

  Report(HarnessConfig config, Map<String, String> machine, String command, String date,
      Map<Workload, List<Outcome>> outcomes) {
    this.config = config;
    this.machine = machine;
    this.command = command;
    this.date = date;
    this.outcomes = outcomes;
  }

  /**
   * One table: a row per workload, metric, ftcp configuration and baseline, with ftcp's
   * median, the baseline's median and ftcp ÷ baseline. A configuration compared with another
   * ({@link Contender#versus}) has that one as its first baseline. Contenders that did not run
   * (left out by {@code --contenders}) are left out. Failures and notes follow the table.
   */
  void printTable(PrintStream out) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"workload", "metric", "ftcp", "", "baseline", "baseline value",
        "ftcp ÷ baseline"});
    List<String> remarks = new ArrayList<>();
    for (Map.Entry<Workload, List<Outcome>> e : outcomes.entrySet()) {
      Workload w = e.getKey();
      List<Outcome> subjects = subjects(e.getValue());
      List<Outcome> baselines = e.getValue().subList(subjects.size(), e.getValue().size());
      boolean firstOfWorkload = true;
      for (Metric metric : w.metrics()) {
        boolean firstOfMetric = true;
        for (Outcome ftcp : subjects) {
          if (ftcp.runs.isEmpty()) {
            continue;
          }
          double f = ftcp.median(metric);
          List<Outcome> against = new ArrayList<>();
          versus(ftcp, e.getValue()).ifPresent(against::add);
          baselines.stream().filter(b -> !b.runs.isEmpty()).forEach(against::add);
          if (against.isEmpty()) {
            against.add(null); // a row for ftcp's own figure
          }
          boolean firstOfSubject = true;
          for (Outcome b : against) {
            double v = b == null ? Double.NaN : b.median(metric);
            rows.add(new String[] {
                firstOfWorkload ? w.id() : "",
                firstOfMetric ? metric.label() : "",
                firstOfSubject ? ftcp.contender.key() : "",
                firstOfSubject ? metric.format(f) : "",
                b == null ? "" : b.contender.name(),
                b == null ? "" : value(b, metric),
                b == null ? "" : ratio(f, v)});
            firstOfWorkload = false;
            firstOfMetric = false;
            firstOfSubject = false;
          }
        }
      }
      for (Outcome o : e.getValue()) {
        for (String err : o.errors()) {
          remarks.add(w.id() + " / " + o.contender.key() + ": FAILED: " + err);
        }
        for (String note : o.notes()) {
          remarks.add(w.id() + " / " + o.contender.key() + ": " + note);
        }
      }
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    out.println();
    out.println("ftcp-bench  " + date + "  " + machineLine());
    out.println("ratios are ftcp ÷ baseline: above 1 is better for rates and connections, "
        + "below 1 for latency, heap and CPU/op");
    Map<String, String> variants = new LinkedHashMap<>();
    outcomes.values().forEach(os -> subjects(os).stream()
        .filter(o -> !o.contender.key().equals(Contender.FTCP) && !o.runs.isEmpty())
        .forEach(o -> variants.put(o.contender.key(), o.contender.name())));
    variants.forEach((key, name) -> out.println(key + ": " + name));
    out.println();
    for (int i = 0; i < rows.size(); i++) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < widths.length; c++) {
        String cell = rows.get(i)[c];
        boolean right = c == 3 || c >= 5;
        line.append(right ? pad(cell, widths[c], true) : pad(cell, widths[c], false));
        line.append(c < widths.length - 1 ? "  " : "");
      }
      out.println(line.toString().stripTrailing());
      if (i == 0) {
        out.println("-".repeat(line.toString().stripTrailing().length()));
      }
    }
    if (!remarks.isEmpty()) {
      out.println();
      remarks.forEach(r -> out.println("  " + r));
    }
    out.println();
  }

  void writeJson(Path path) throws IOException {
    Json j = new Json();
    j.object(null);
    j.field("tool", "ftcp-bench");
    j.field("date", date);
    j.field("command", command);
    j.object("machine");
    machine.forEach(j::field);
    j.endObject();
    j.object("config")
        .field("durationMs", config.duration().toMillis())
        .field("warmupMs", config.warmup().toMillis())
        .field("idleWarmupMs", config.idleWarmup().toMillis())
        .field("runs", config.runs())
        .field("smoke", config.smoke())
        .field("fanInConnections", config.fanInConnections())
        .field("idleConnections", config.idleConnections())
        .endObject();
    j.array("workloads");
    for (Map.Entry<Workload, List<Outcome>> e : outcomes.entrySet()) {
      Workload w = e.getKey();
      Outcome ftcp = e.getValue().get(0);
      List<Outcome> subjects = subjects(e.getValue());
      j.object(null).field("id", w.id()).field("title", w.title());
      j.array("metrics");
      w.metrics().forEach(m -> j.field(null, m.jsonName()));
      j.endArray();
      j.array("contenders");
      for (Outcome o : e.getValue()) {
        j.object(null).field("key", o.contender.key()).field("name", o.contender.name());
        j.object("median");
        o.medians().forEach((m, v) -> j.field(m.jsonName(), v));
        j.endObject();
        if (o.contender.spread()) {
          j.object("spread"); // each metric's lowest, median and highest of the runs
          for (Metric m : w.metrics()) {
            double[] s = o.spread(m);
            if (s != null) {
              j.object(m.jsonName()).field("min", s[0]).field("median", s[1])
                  .field("max", s[2]).endObject();
            }
          }
          j.endObject();
        }
        if (o.contender.versus() != null) {
          j.field("versus", o.contender.versus());
        }
        if (!o.contender.isFtcp()) {
          j.object("ftcpRatio"); // ftcp with its defaults ÷ this baseline
          for (Metric m : w.metrics()) {
            j.field(m.jsonName(), ftcp.median(m) / o.median(m));
          }
          j.endObject();
        }
        // Each ftcp configuration ÷ this baseline; on an ftcp configuration, each that is
        // compared with it (its versus) ÷ it.
        List<Outcome> over = subjects.stream()
            .filter(s -> !o.contender.isFtcp() || versus(s, e.getValue()).orElse(null) == o)
            .toList();
        if (!over.isEmpty()) {
          j.object("ratios");
          for (Outcome s : over) {
            j.object(s.contender.key());
            for (Metric m : w.metrics()) {
              j.field(m.jsonName(), s.median(m) / o.median(m));
            }
            j.endObject();
          }
          j.endObject();
        }
        j.array("runs");
        for (Result r : o.runs) {
          j.object(null);
          r.values().forEach((m, v) -> j.field(m.jsonName(), v));
          if (r.latency() != null) {
            j.object("latency").field("samples", r.latency().samples());
            j.object("micros");
            r.latency().micros().forEach((p, v) -> j.field(LatencySeries.key(p), v));
            j.endObject().endObject();
          }
          if (r.error() != null) {
            j.field("error", r.error());
          }
          if (r.note() != null) {
            j.field("note", r.note());
          }
          j.endObject();
        }
        j.endArray();
        j.endObject();
      }
      j.endArray();
      j.endObject();
    }
    j.endArray();
    j.endObject();
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(path, j + "\n", StandardCharsets.UTF_8);
  }

  /** The outcome {@code o} is compared with first, when it names one and that one ran. */
  private static Optional<Outcome> versus(Outcome o, List<Outcome> all) {
    String key = o.contender.versus();
    return all.stream()
        .filter(x -> key != null && x.contender.key().equals(key) && !x.runs.isEmpty())
        .findFirst();
  }

  /** The leading ftcp outcomes of a workload: its defaults, then other configurations. */
  private static List<Outcome> subjects(List<Outcome> all) {
    int n = 0;
    while (n < all.size() && all.get(n).contender.isFtcp()) {
      n++;
    }
    return all.subList(0, n);
  }

  private String machineLine() {
    Map<String, String> m = new LinkedHashMap<>(machine);
    return "JDK " + m.get("jdk") + ", " + m.get("cores") + " cores, " + m.get("transport")
        + ", TLS " + m.get("tls") + ", open files " + m.get("openFileLimit")
        + (config.smoke() ? ", SMOKE RUN (figures mean nothing)" : "")
        + ", " + config.runs() + " run(s) of " + config.duration().toMillis() + " ms";
  }

  /**
   * A baseline's median of {@code metric}; for one that shows its spread, followed by the
   * lowest and highest of its runs: "9.8 µs (5.1 µs–60.2 µs)".
   */
  private static String value(Outcome b, Metric metric) {
    double[] s = b.contender.spread() ? b.spread(metric) : null;
    if (s == null || b.runs.size() < 2) {
      return metric.format(b.median(metric));
    }
    return metric.format(s[1]) + " (" + metric.format(s[0]) + "–" + metric.format(s[2]) + ")";
  }

  private static String ratio(double ftcp, double baseline) {
    if (Double.isNaN(ftcp) || Double.isNaN(baseline) || baseline == 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2f", ftcp / baseline);
  }

  private static String pad(String s, int width, boolean right) {
    String spaces = " ".repeat(Math.max(0, width - s.length()));
    return right ? spaces + s : s + spaces;
  }
}
