package dev.ftcp.internal.conn.request;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The IDs of requests that timed out, so that their late replies are recognized (counted, and
 * kept from the readers) instead of being taken for new messages. Bounded: beyond
 * {@code capacity} the oldest is forgotten. Written by the thread that timed a request out
 * before that request throws (a task for the event loop could run after the reply is read);
 * timeouts are rare, so a set and a queue cost the hot path one emptiness check. Thread-safe.
 */
final class TimedOutIds {
  private final int capacity;
  private final Set<Long> ids = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Long> order = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();

  TimedOutIds(int capacity) {
    this.capacity = capacity;
  }

  void add(long id) {
    if (ids.add(id)) {
      order.add(id);
      if (count.incrementAndGet() > capacity) {
        Long oldest = order.poll();
        if (oldest != null) {
          ids.remove(oldest);
          count.decrementAndGet();
        }
      }
    }
  }

  /** Whether {@code id} timed out; forgets it, since one late reply is all a request gets. */
  boolean remove(long id) {
    return !ids.isEmpty() && ids.remove(id);
  }
}
