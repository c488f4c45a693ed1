package dev.ftcp.redial;

import dev.ftcp.Conn;
import dev.ftcp.ConnStateListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Records a connection's state changes, with the thread and time each was told on. */
final class StateLog implements ConnStateListener {
  enum Kind { CONNECTED, DISCONNECTED, REDIALED, GAVE_UP, CLOSED }

  /**
   * One state change.
   *
   * @param cause the disconnect cause or the last dial error, else null
   * @param attempts the dial attempts a redial took, else 0
   * @param thread the name of the thread the listener was called on
   * @param nanos {@link System#nanoTime()} when it was called
   */
  record Event(Kind kind, Throwable cause, int attempts, String thread, long nanos) {}

  private final List<Event> events = new CopyOnWriteArrayList<>();

  @Override
  public void connected(Conn conn) {
    add(Kind.CONNECTED, null, 0);
  }

  @Override
  public void disconnected(Conn conn, Throwable cause) {
    add(Kind.DISCONNECTED, cause, 0);
  }

  @Override
  public void redialed(Conn conn, int attempts) {
    add(Kind.REDIALED, null, attempts);
  }

  @Override
  public void gaveUp(Conn conn, Throwable lastError) {
    add(Kind.GAVE_UP, lastError, 0);
  }

  @Override
  public void closed(Conn conn) {
    add(Kind.CLOSED, null, 0);
  }

  private void add(Kind kind, Throwable cause, int attempts) {
    events.add(new Event(kind, cause, attempts, Thread.currentThread().getName(),
        System.nanoTime()));
  }

  /** The events, with their cause and their time since the first, for failure messages. */
  @Override
  public String toString() {
    List<Event> all = events();
    long t0 = all.isEmpty() ? 0 : all.get(0).nanos();
    return all.stream().map(e -> e.kind() + "@" + (e.nanos() - t0) / 1_000_000 + "ms"
        + (e.cause() != null ? "(" + e.cause() + ")" : "")
        + (e.attempts() != 0 ? "(" + e.attempts() + " attempts)" : ""))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  List<Event> events() {
    return List.copyOf(events);
  }

  List<Kind> kinds() {
    return events.stream().map(Event::kind).collect(Collectors.toList());
  }

  long count(Kind kind) {
    return events.stream().filter(e -> e.kind() == kind).count();
  }

  /** The {@code n}-th event of this kind (1 = the first); waits up to {@code within} for it. */
  Event await(Kind kind, int n, Duration within) {
    try {
      Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(2))
          .until(() -> count(kind) >= n);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no " + kind + " #" + n + " within " + within + "; events: "
          + this, e);
    }
    return events.stream().filter(e -> e.kind() == kind).skip(n - 1).findFirst().orElseThrow();
  }
}
