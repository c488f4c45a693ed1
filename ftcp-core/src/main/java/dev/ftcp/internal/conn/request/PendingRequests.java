package dev.ftcp.internal.conn.request;

import dev.ftcp.internal.time.Deadlines;
import java.util.List;

/**
 * A connection's requests waiting for replies, by ID: any thread. Every request is added by the
 * thread that sends it and removed once, by whoever owns its completion (the event loop on a
 * reply, a timeout, the connection's end), so a reply and a timeout cannot both complete it.
 *
 * <p>An open-addressing table keyed by the primitive ID (linear probing from a Fibonacci hash,
 * deletion by moving later entries back, at most half full) behind one lock, instead of a
 * {@code ConcurrentHashMap<Long, ...>}: a request costs no boxed key and no map node (three
 * objects fewer per round trip, each a reference the collector follows from a long-lived
 * connection), and one uncontended lock instead of the map's CAS on its bin, lock of the bin
 * and CAS of its counter. The hash spreads the sequential IDs ftcp gives requests, so the runs
 * a lookup or a deletion walks stay short however many are in flight (an identity index would
 * lay them out in one run that every deletion of the oldest walks to its end). A peer's reply
 * IDs only look up, so they cannot lengthen the runs. Sections under the lock are a few array
 * accesses; only the sweep and the end scan, over the requests in flight.
 */
final class PendingRequests {
  private static final long FIBONACCI = 0x9E3779B97F4A7C15L; // 2^64 / golden ratio, odd

  private static final PendingRequest[] NO_SLOTS = {};
  private static final int FIRST_SLOTS = 4;

  private PendingRequest[] slots = NO_SLOTS; // null: free; none until the first request
  private int shift = 64; // 64 - log2(slots.length): the hash's top bits index the table
  private int size;

  private int home(long id) {
    return home(id, shift);
  }

  /** The slot where {@code id}'s probe starts in a table of {@code 2^(64 - shift)} slots. */
  static int home(long id, int shift) {
    return (int) ((id * FIBONACCI) >>> shift);
  }

  /** Adds {@code p}; false, adding nothing, when a request with its ID is in flight already. */
  synchronized boolean add(PendingRequest p) {
    if (find(p.id) >= 0) {
      return false;
    }
    if ((size + 1) * 2 > slots.length) {
      grow();
    }
    place(p);
    size++;
    return true;
  }

  /** Removes and returns the request with this ID, or null when none is in flight. */
  synchronized PendingRequest remove(long id) {
    int i = find(id);
    if (i < 0) {
      return null;
    }
    PendingRequest p = slots[i];
    removeAt(i);
    return p;
  }

  /**
   * Removes {@code p} if it is still the request in flight under its ID: true when this call
   * removed it, and so owns its completion.
   */
  synchronized boolean remove(PendingRequest p) {
    int i = find(p.id);
    if (i < 0 || slots[i] != p) {
      return false;
    }
    removeAt(i);
    return true;
  }

  /**
   * Removes the asynchronous requests whose deadline is at or before {@code now} into
   * {@code overdue} (empty when called), and returns the earliest deadline of those left, or
   * {@link Deadlines#NONE}.
   */
  synchronized long removeOverdue(long now, List<PendingRequest> overdue) {
    long next = Deadlines.NONE;
    for (PendingRequest p : slots) {
      if (p == null || !p.async || p.deadline == Deadlines.NONE) {
        continue;
      }
      if (p.deadline - now <= 0) {
        overdue.add(p);
      } else if (next == Deadlines.NONE || p.deadline - next < 0) {
        next = p.deadline;
      }
    }
    for (PendingRequest p : overdue) {
      removeAt(find(p.id));
    }
    return next;
  }

  /** Removes every request in flight and returns them. */
  synchronized PendingRequest[] removeAll() {
    PendingRequest[] all = new PendingRequest[size];
    int n = 0;
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] != null) {
        all[n++] = slots[i];
        slots[i] = null;
      }
    }
    size = 0;
    return all;
  }

  synchronized int size() {
    return size;
  }

  /** The slot holding {@code id}, or -1. */
  private int find(long id) {
    if (size == 0) {
      return -1; // also what keeps an empty table's lookups from hashing into no slot
    }
    int mask = slots.length - 1;
    for (int i = home(id); ; i = (i + 1) & mask) {
      PendingRequest q = slots[i];
      if (q == null) {
        return -1;
      }
      if (q.id == id) {
        return i;
      }
    }
  }

  private void place(PendingRequest p) {
    int mask = slots.length - 1;
    int i = home(p.id);
    while (slots[i] != null) {
      i = (i + 1) & mask;
    }
    slots[i] = p;
  }

  /**
   * Frees slot {@code i}, then moves back each later entry of its run whose home is not
   * cyclically within (i, j], so that every entry stays reachable from its home (Knuth's
   * Algorithm R for linear probing).
   */
  private void removeAt(int i) {
    int mask = slots.length - 1;
    slots[i] = null;
    size--;
    for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
      int k = home(slots[j].id);
      boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (!stays) {
        slots[i] = slots[j];
        slots[j] = null;
        i = j;
      }
    }
  }

  private void grow() {
    PendingRequest[] old = slots;
    slots = new PendingRequest[Math.max(FIRST_SLOTS, old.length * 2)];
    shift = 64 - Integer.numberOfTrailingZeros(slots.length);
    for (PendingRequest p : old) {
      if (p != null) {
        place(p);
      }
    }
  }
}
