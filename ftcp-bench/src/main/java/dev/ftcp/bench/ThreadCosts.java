package dev.ftcp.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each thread of this JVM spent between two moments, for {@code --threads}: CPU time,
 * bytes allocated, and how often it was switched out, voluntarily (it blocked: a hand-off to
 * or from another thread) or not (preempted). CPU time and switches come from Linux's
 * {@code /proc/self/task/*} ({@code schedstat}, {@code status}), for every thread, the
 * collector's and the JIT's too; allocated bytes from HotSpot's {@code ThreadMXBean}, for Java
 * threads. Threads are named as Linux keeps their names (15 characters), and threads of one
 * name are summed. Used by one thread, at a window's edges; each snapshot reads three small
 * files per thread (about a millisecond), nothing on the measured paths. Where {@code /proc}
 * is missing (not Linux), {@link #now} returns null.
 */
final class ThreadCosts {
  private static final Path TASKS = Path.of("/proc/self/task");
  private static final int COMM_LENGTH = 15;
  /** A thread is listed if it took this share of all CPU time, or switched this often per op. */
  private static final double LISTED_CPU_SHARE = 0.01;
  private static final double LISTED_SWITCHES = 0.001;

  private static final int CPU = 0;
  private static final int ALLOCATED = 1;
  private static final int VOLUNTARY = 2;
  private static final int INVOLUNTARY = 3;

  /** By thread name: CPU ns, allocated bytes, voluntary and involuntary switches, threads. */
  private final Map<String, long[]> start;

  private ThreadCosts(Map<String, long[]> start) {
    this.start = start;
  }

  static ThreadCosts now() {
    if (!Files.isDirectory(TASKS)) {
      return null;
    }
    return new ThreadCosts(snapshot());
  }

  /**
   * Per op over {@code ops}, since {@link #now}, the threads that did anything noticeable,
   * busiest first: "name[×threads] CPU ns, allocated B, switches voluntary/involuntary", then
   * all threads' switches per op. Threads that ended meanwhile are not counted.
   */
  String perOp(long ops) {
    Map<String, long[]> end = snapshot();
    Map<String, long[]> diff = new HashMap<>();
    long totalCpu = 0;
    long[] totalSwitches = new long[2];
    for (Map.Entry<String, long[]> e : end.entrySet()) {
      long[] a = start.getOrDefault(e.getKey(), new long[5]);
      long[] b = e.getValue();
      long[] d = new long[5];
      for (int i = 0; i < 4; i++) {
        d[i] = Math.max(0, b[i] - a[i]);
      }
      d[4] = b[4];
      diff.put(e.getKey(), d);
      totalCpu += d[CPU];
      totalSwitches[0] += d[VOLUNTARY];
      totalSwitches[1] += d[INVOLUNTARY];
    }
    List<Map.Entry<String, long[]>> listed = new ArrayList<>();
    for (Map.Entry<String, long[]> e : diff.entrySet()) {
      long[] d = e.getValue();
      if (d[CPU] >= LISTED_CPU_SHARE * totalCpu
          || (double) (d[VOLUNTARY] + d[INVOLUNTARY]) / ops >= LISTED_SWITCHES) {
        listed.add(e);
      }
    }
    listed.sort((x, y) -> Long.compare(y.getValue()[CPU], x.getValue()[CPU]));
    StringBuilder sb = new StringBuilder("per op by thread (CPU, allocated, switches "
        + "voluntary/involuntary):");
    for (Map.Entry<String, long[]> e : listed) {
      long[] d = e.getValue();
      sb.append(' ').append(e.getKey()).append(d[4] > 1 ? "×" + d[4] : "")
          .append(' ').append(Metric.CPU_PER_OP.format((double) d[CPU] / ops))
          .append(String.format(Locale.ROOT, " %.0f B ", (double) d[ALLOCATED] / ops))
          .append(perOp(d[VOLUNTARY], ops)).append('/').append(perOp(d[INVOLUNTARY], ops))
          .append(';');
    }
    sb.append(" all threads ").append(Metric.CPU_PER_OP.format((double) totalCpu / ops))
        .append(", switches ").append(perOp(totalSwitches[0], ops)).append('/')
        .append(perOp(totalSwitches[1], ops));
    return sb.toString();
  }

  private static String perOp(long count, long ops) {
    double v = (double) count / ops;
    return String.format(Locale.ROOT, v < 1 ? "%.4f" : "%.2f", v);
  }

  private static Map<String, long[]> snapshot() {
    Map<String, long[]> byName = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        try {
          String name = Files.readString(task.resolve("comm")).strip();
          long[] v = byName.computeIfAbsent(name, n -> new long[5]);
          v[CPU] += Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              v[VOLUNTARY] += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
              v[INVOLUNTARY] += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
          }
          v[4]++;
        } catch (IOException | RuntimeException e) {
          // the thread ended while being read
        }
      }
    } catch (IOException e) {
      return byName;
    }
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
        && threads.isThreadAllocatedMemorySupported()) {
      if (!threads.isThreadAllocatedMemoryEnabled()) {
        threads.setThreadAllocatedMemoryEnabled(true);
      }
      long[] ids = threads.getAllThreadIds();
      long[] allocated = threads.getThreadAllocatedBytes(ids);
      ThreadInfo[] infos = threads.getThreadInfo(ids);
      for (int i = 0; i < ids.length; i++) {
        if (infos[i] != null && allocated[i] > 0) {
          String name = infos[i].getThreadName();
          long[] v = byName.get(name.substring(0, Math.min(COMM_LENGTH, name.length())));
          if (v != null) {
            v[ALLOCATED] += allocated[i];
          }
        }
      }
    }
    return byName;
  }
}
