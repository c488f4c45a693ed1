package dev.ftcp.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ThreadCostsTest {

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void namesABusyThreadWithWhatItAllocatedAndHowOftenItBlocked() throws Exception {
    ThreadCosts costs = ThreadCosts.now();
    assumeTrue(costs != null, "no /proc/self/task here");
    CountDownLatch measured = new CountDownLatch(1);
    CountDownLatch worked = new CountDownLatch(1);
    Object[] kept = new Object[1];
    Thread busy = new Thread(() -> {
      for (int i = 0; i < 1000; i++) {
        kept[0] = new byte[1024 - 16]; // 1 KiB with its header
        if (i % 100 == 0) {
          sleepQuietly(); // blocks: a voluntary switch
        }
      }
      worked.countDown();
      awaitQuietly(measured); // alive while measured
    }, "costs-busy-thread-long-name");
    busy.start();
    assertThat(worked.await(20, TimeUnit.SECONDS)).isTrue();
    String note = costs.perOp(1000);
    measured.countDown();
    busy.join();
    assertThat(note).startsWith("per op by thread");
    // Linux keeps 15 characters of a thread's name; about 1 KiB a op, 10 or more sleeps.
    assertThat(note).containsPattern("costs-busy-thre \\S+ (ns|µs) 10[0-9][0-9] B 0\\.0[1-9]\\d\\d/");
    assertThat(note).contains("all threads");
  }

  /** Time itself is what this needs: a sleep is the voluntary switch the test counts. */
  private static void sleepQuietly() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
