package dev.ftcp.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ThreadCpuTest {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void countsTheCpuOfAThreadStartedInTheWindowAndOfThisOne() throws Exception {
    ThreadCpu cpu = ThreadCpu.now();
    assumeTrue(cpu != null, "this JVM cannot measure thread CPU time");
    long burn = TimeUnit.MILLISECONDS.toNanos(60);
    CountDownLatch burnt = new CountDownLatch(1);
    CountDownLatch measured = new CountDownLatch(1);
    Thread started = new Thread(() -> {
      burnOwnCpu(burn);
      burnt.countDown();
      awaitQuietly(measured); // alive while measured: it must be counted from zero
    }, "cpu-burner");
    started.start();
    burnOwnCpu(burn);
    burnt.await();
    long elapsed = cpu.elapsedNanos();
    measured.countDown();
    started.join();
    assertThat(elapsed).isGreaterThanOrEqualTo(2 * burn);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Spins until this thread has used {@code nanos} more CPU time. */
  private static void burnOwnCpu(long nanos) {
    long until = THREADS.getCurrentThreadCpuTime() + nanos;
    long x = 0;
    while (THREADS.getCurrentThreadCpuTime() < until) {
      x += x * 31 + 7;
    }
    if (x == 42) {
      System.out.print(""); // keeps the loop's work observable
    }
  }
}
