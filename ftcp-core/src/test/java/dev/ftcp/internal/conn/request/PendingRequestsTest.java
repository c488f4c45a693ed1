package dev.ftcp.internal.conn.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.internal.time.Deadlines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The table of requests waiting for replies, against a {@link HashMap} doing the same: adds,
 * removals by ID and by request, the sweep's removal of overdue ones and the end's removal of
 * all, with the ID patterns requests have (sequential, a window sliding over them, long-lived
 * ones left behind, IDs an application chose, IDs that share their hash's top bits).
 */
@Timeout(60)
class PendingRequestsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void slidingWindowOfSequentialIdsWithStragglers() {
    PendingRequests table = new PendingRequests();
    Map<Long, PendingRequest> model = new HashMap<>();
    Random random = new Random(42);
    long next = 1;
    for (int round = 0; round < 200_000; round++) {
      if (model.size() < 256 || random.nextInt(3) == 0) {
        PendingRequest p = request(next++, random.nextBoolean(), TIMEOUT);
        assertThat(table.add(p)).isTrue();
        model.put(p.id, p);
      } else {
        // Mostly the oldest few (replies in order), sometimes any: stragglers stay behind.
        long id = next - 1 - (random.nextInt(10) == 0 ? random.nextInt(2_000) : 255);
        assertThat(table.remove(id)).isSameAs(model.remove(id));
      }
      assertThat(table.size()).isEqualTo(model.size());
    }
    assertSameContents(table, model);
  }

  @Test
  void randomAndCollidingIdsAgreeWithAMap() {
    PendingRequests table = new PendingRequests();
    Map<Long, PendingRequest> model = new HashMap<>();
    Random random = new Random(7);
    for (int round = 0; round < 100_000; round++) {
      // Multiples of 2^40 share the hash's low bits; small ones collide often by value.
      long id = switch (random.nextInt(3)) {
        case 0 -> 1 + random.nextInt(64);
        case 1 -> (1L + random.nextInt(64)) << 40;
        default -> 1 + (random.nextLong() >>> 8);
      };
      switch (random.nextInt(4)) {
        case 0, 1 -> {
          PendingRequest p = request(id, false, TIMEOUT);
          boolean absent = !model.containsKey(id);
          assertThat(table.add(p)).isEqualTo(absent);
          if (absent) {
            model.put(id, p);
          }
        }
        case 2 -> assertThat(table.remove(id)).isSameAs(model.remove(id));
        default -> {
          PendingRequest in = model.get(id);
          PendingRequest other = request(id, false, TIMEOUT);
          assertThat(table.remove(other)).isFalse(); // same ID, another request: not removed
          if (in != null) {
            assertThat(table.remove(in)).isTrue();
            assertThat(table.remove(in)).isFalse();
            model.remove(id);
          }
        }
      }
      assertThat(table.size()).isEqualTo(model.size());
    }
    assertSameContents(table, model);
  }

  @Test
  void sweepRemovesOnlyOverdueAsyncRequestsAndNamesTheNextDeadline() {
    PendingRequests table = new PendingRequests();
    List<PendingRequest> all = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      PendingRequest p = request(i, i % 3 != 0, Duration.ofMillis(i % 5 == 0
          ? 1_000_000 : 0));
      all.add(p);
      table.add(p);
    }
    List<PendingRequest> overdue = new ArrayList<>();
    long next = table.removeOverdue(System.nanoTime(), overdue);
    // Due: asynchronous (i % 3 != 0) with a zero timeout (i % 5 != 0).
    assertThat(overdue).containsExactlyInAnyOrderElementsOf(
        all.stream().filter(p -> p.async && p.id % 5 != 0).toList());
    long earliestLeft = all.stream().filter(p -> p.async && p.id % 5 == 0)
        .mapToLong(p -> p.deadline).min().orElseThrow();
    assertThat(next).isEqualTo(earliestLeft);
    for (PendingRequest p : overdue) {
      assertThat(table.remove(p.id)).isNull();
    }
    assertThat(table.size()).isEqualTo(100 - overdue.size());
    PendingRequest[] rest = table.removeAll();
    assertThat(rest).hasSize(100 - overdue.size()).doesNotContainAnyElementsOf(overdue);
    assertThat(table.size()).isZero();
    assertThat(table.removeOverdue(System.nanoTime(), new ArrayList<>()))
        .isEqualTo(Deadlines.NONE);
  }

  /**
   * A run of entries that wraps past the table's last slot: deleting its entry in the last slot
   * must leave an entry that sits in slot 0, its home, where it is (moving it back to the last
   * slot would put it before its home, out of its probe's reach), and must move an entry whose
   * home is the last slot forward into the gap.
   */
  @Test
  void deletionInARunThatWrapsPastTheEnd() {
    int shift = 64 - 3; // three requests in flight make a table of eight slots
    long last = idWithHome(7, shift, 1);
    long lastToo = idWithHome(7, shift, last + 1);
    long first = idWithHome(0, shift, 1);
    long filler = idWithHome(3, shift, 1);

    PendingRequests table = new PendingRequests();
    for (long id : new long[] {filler, first, last}) {
      table.add(request(id, false, TIMEOUT));
    }
    // Slots: 0 first, 3 filler, 7 last. Deleting 7: first stays in 0, its home.
    assertThat(table.remove(last)).isNotNull();
    assertThat(table.remove(first)).isNotNull();

    table.add(request(last, false, TIMEOUT));
    table.add(request(lastToo, false, TIMEOUT)); // home 7 is taken: slot 0
    table.add(request(first, false, TIMEOUT)); // home 0 is taken: slot 1
    // Deleting 7: lastToo (home 7) moves back into it, then first (home 0) into slot 0.
    assertThat(table.remove(last)).isNotNull();
    assertThat(table.remove(first)).isNotNull();
    assertThat(table.remove(lastToo)).isNotNull();
    assertThat(table.remove(filler)).isNotNull();
    assertThat(table.size()).isZero();
  }

  private static long idWithHome(int slot, int shift, long from) {
    long id = from;
    while (PendingRequests.home(id, shift) != slot) {
      id++;
    }
    return id;
  }

  private static void assertSameContents(PendingRequests table, Map<Long, PendingRequest> model) {
    for (Map.Entry<Long, PendingRequest> e : model.entrySet()) {
      assertThat(table.remove(e.getKey())).isSameAs(e.getValue());
    }
    assertThat(table.size()).isZero();
    assertThat(Arrays.asList(table.removeAll())).isEmpty();
  }

  /** A request as Requests.register makes it, timed by the real clock, for a table of its own. */
  private static PendingRequest request(long id, boolean async, Duration timeout) {
    return new PendingRequest(id, async, timeout,
        Deadlines.after(System.nanoTime(), timeout), new PendingRequests());
  }
}
