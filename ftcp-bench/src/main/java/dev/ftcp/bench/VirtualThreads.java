package dev.ftcp.bench;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Virtual threads where the running JVM has them (JDK 21 and later). The harness is compiled for
 * Java 17, whose API lacks them, so the executor is looked up at run time.
 */
public final class VirtualThreads {
  private VirtualThreads() {}

  /**
   * A new {@code Executors.newVirtualThreadPerTaskExecutor()}, or null when this JVM has no
   * virtual threads (before JDK 21; on 19 and 20 they need {@code --enable-preview}).
   */
  public static ExecutorService perTaskExecutor() {
    if (Runtime.version().feature() < 21) {
      return null;
    }
    try {
      return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
          .invoke(null);
    } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
      return null;
    }
  }

  /** Why a workload that needs virtual threads did not run here. */
  public static String unavailable() {
    return "skipped: needs virtual threads (JDK 21 or later), this JVM is "
        + System.getProperty("java.version");
  }
}
