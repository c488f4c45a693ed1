package dev.ftcp.soak;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The clients' counters, summed over all of them. Thread-safe. */
final class Tally {
  final LongAdder oneWay = new LongAdder();
  final LongAdder asyncRequests = new LongAdder();
  final LongAdder syncRequests = new LongAdder();
  final LongAdder replies = new LongAdder();
  final LongAdder timeouts = new LongAdder();
  final LongAdder disconnects = new LongAdder();
  final LongAdder redialed = new LongAdder();
  final LongAdder resumed = new LongAdder();
  final LongAdder sessionsLost = new LongAdder();
  private final Map<String, LongAdder> disconnectCauses = new ConcurrentHashMap<>();

  /** Counts a disconnect by its cause, digits left out so that ports do not split the count. */
  void disconnect(Throwable cause) {
    disconnects.increment();
    String what = cause == null ? "null"
        : cause.getClass().getSimpleName() + ": " + String.valueOf(cause.getMessage())
            .replaceAll("\\d+", "N");
    disconnectCauses.computeIfAbsent(what, k -> new LongAdder()).increment();
  }

  Map<String, Long> disconnectCauses() {
    Map<String, Long> m = new TreeMap<>();
    disconnectCauses.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }
}
