package dev.ftcp.soak;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the process holds: threads (by kind), open file descriptors and sockets, heap used after
 * a full collection, direct buffer memory. Linux only (/proc/self/fd), where the tests run.
 *
 * <p>Not counted: the JVM's attach listener (its thread and its socket), which the JVM starts
 * when a diagnostic tool (jcmd, jstack, a profiler) attaches while the soak runs.
 *
 * @param threads live threads, except the common ForkJoin pool's workers, which the JDK starts
 *     and retires on its own schedule (a minute of idleness): they are counted apart
 * @param commonPoolWorkers live workers of {@link java.util.concurrent.ForkJoinPool#commonPool()}
 * @param ioThreads ftcp's I/O threads ({@code ftcp-io-*})
 * @param soakThreads this test's threads ({@code soak-*}) and the proxies' ({@code fault-proxy-*})
 * @param fds open file descriptors
 * @param sockets of which sockets
 * @param heapUsed heap in use after garbage collection, in bytes
 * @param directUsed direct memory held by Netty's default allocator (pooled: it keeps what
 *     it allocated for reuse, so this is reported, not checked), in bytes; -1 when unknown
 * @param threadNames the names of the counted threads, with how many share each name's prefix
 */
record Resources(int threads, int commonPoolWorkers, int ioThreads, int soakThreads, long fds,
    long sockets, long heapUsed, long directUsed, Map<String, Integer> threadNames) {

  /** Takes a snapshot; collects garbage first, so that the heap figure is what is reachable. */
  static Resources take() {
    collectGarbage();
    List<Thread> live = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.getName().equals("Attach Listener"))
        .collect(Collectors.toList());
    int common = (int) live.stream()
        .filter(t -> t.getName().startsWith("ForkJoinPool.commonPool-worker")).count();
    Map<String, Integer> names = new TreeMap<>();
    for (Thread t : live) {
      if (!t.getName().startsWith("ForkJoinPool.commonPool-worker")) {
        names.merge(t.getName().replaceAll("\\d+", "N"), 1, Integer::sum);
      }
    }
    long direct = ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider
        ? ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory()
        : -1;
    Runtime rt = Runtime.getRuntime();
    return new Resources(live.size() - common, common,
        count(live, "ftcp-io-"), count(live, "soak-") + count(live, "fault-proxy-"),
        fds(false), fds(true),
        rt.totalMemory() - rt.freeMemory(), direct, names);
  }

  /** Threads, fds and sockets no more than {@code before}; heap within {@code heapSlack}. */
  boolean backTo(Resources before, long heapSlack) {
    return threads <= before.threads && ioThreads <= before.ioThreads && soakThreads == 0
        && sockets <= before.sockets && fds <= before.fds
        && heapUsed <= before.heapUsed + heapSlack;
  }

  private static int count(List<Thread> threads, String prefix) {
    return (int) threads.stream().filter(t -> t.getName().startsWith(prefix)).count();
  }

  private static long fds(boolean socketsOnly) {
    Set<String> attach = attachSockets();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          return false; // closed while we looked
        }
        return !attach.contains(target) && (!socketsOnly || target.startsWith("socket:"));
      }).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JVM attach listener's socket ("socket:[inode]"), if a tool started it. */
  private static Set<String> attachSockets() {
    String name = "/.java_pid" + ProcessHandle.current().pid();
    try (Stream<String> lines = Files.lines(Path.of("/proc/net/unix"))) {
      return lines.map(l -> l.trim().split("\\s+"))
          // bound as ".java_pidN.tmp", then renamed: /proc/net/unix shows the first name
          .filter(f -> f.length >= 8 && (f[7].endsWith(name) || f[7].endsWith(name + ".tmp")))
          .map(f -> "socket:[" + f[6] + "]").collect(Collectors.toSet());
    } catch (IOException | UncheckedIOException e) {
      return Set.of();
    }
  }

  /**
   * Full collections until one has had its weak references processed, twice (the second makes
   * sure what the first one's reference processing freed is gone too).
   */
  static void collectGarbage() {
    for (int i = 0; i < 2; i++) {
      ReferenceQueue<Object> queue = new ReferenceQueue<>();
      WeakReference<Object> canary = new WeakReference<>(new Object(), queue);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      try {
        do {
          System.gc();
        } while (queue.remove(100) == null && System.nanoTime() < deadline);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      canary.clear();
    }
  }

  static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
