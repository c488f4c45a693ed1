package dev.ftcp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's open-file limit. Every socket is a file descriptor, so it bounds how many
 * connections one JVM can hold; it cannot be raised from Java.
 */
public final class Fds {
  /** Descriptors kept free for the JVM itself: jars, epoll, pipes, the listener. */
  public static final int RESERVE = 512;

  private Fds() {}

  /** The soft limit on open files, or -1 when it cannot be read (not Linux). */
  public static long limit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or an unusual /proc: the caller treats the limit as unknown.
    }
    return -1;
  }

  /** Descriptors open now, or -1 when unknown. */
  public static long open() {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * How many sockets this process may still open, keeping {@link #RESERVE} spare; {@code want}
   * when the limit is unknown.
   */
  public static int available(int want) {
    long limit = limit();
    long open = open();
    if (limit < 0 || open < 0) {
      return want;
    }
    return (int) Math.max(0, Math.min(want, limit - open - RESERVE));
  }

  /**
   * How many connections with both ends in this process fit (two descriptors each), at most
   * {@code want}.
   */
  public static int pairs(int want) {
    return available(2 * want) / 2;
  }

  /** The note a scenario adds when the limit made it open fewer connections than asked. */
  public static String shortfall(int opened, int want) {
    return "open-file limit " + limit() + " leaves room for " + opened + " of " + want
        + " connections; raise it (ulimit -n) to hold them all";
  }
}
