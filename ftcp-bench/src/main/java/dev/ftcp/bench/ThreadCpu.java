package dev.ftcp.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU time this JVM's Java threads spent between two moments: what a scenario's threads
 * (both ends of its connections, in this one JVM) cost per message, a figure a shared machine
 * disturbs far less than the rate itself (a contender descheduled for a while loses rate, not
 * CPU per message). The collector's and the JIT compilers' threads are not Java threads, so
 * their time is not in it.
 */
final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Map<Long, Long> start;

  private ThreadCpu(Map<Long, Long> start) {
    this.start = start;
  }

  /** Now; null where the JVM cannot measure thread CPU time. */
  static ThreadCpu now() {
    if (!THREADS.isThreadCpuTimeSupported()) {
      return null;
    }
    if (!THREADS.isThreadCpuTimeEnabled()) {
      THREADS.setThreadCpuTimeEnabled(true);
    }
    return new ThreadCpu(snapshot());
  }

  /**
   * Nanoseconds of CPU since {@link #now}: for each thread alive now, what it used since then
   * (all it used, if it started since). A thread that ended meanwhile is not counted: the
   * scenarios' threads outlive the measured window.
   */
  long elapsedNanos() {
    long total = 0;
    for (Map.Entry<Long, Long> e : snapshot().entrySet()) {
      total += e.getValue() - start.getOrDefault(e.getKey(), 0L);
    }
    return total;
  }

  private static Map<Long, Long> snapshot() {
    long[] ids = THREADS.getAllThreadIds();
    Map<Long, Long> cpu = new HashMap<>(ids.length * 2);
    for (long id : ids) {
      long t = THREADS.getThreadCpuTime(id);
      if (t >= 0) { // -1: the thread ended meanwhile
        cpu.put(id, t);
      }
    }
    return cpu;
  }
}
