package dev.ftcp.soak;

import java.util.EnumMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

/**
 * Broken invariants, found on any thread while the soak runs or in the checks at its end:
 * counted by kind, with the first few of each kind described, so that a long run that goes
 * wrong reports what happened without keeping every occurrence. Thread-safe.
 */
final class Violations {
  private static final int DETAILS_PER_KIND = 5;

  /**
   * What the summary counts a violation as. A loss is one the guarantee does not allow: in
   * plain mode, outside the window of a cut; with resumable sessions, any.
   */
  enum Category { DUPLICATE_OR_REORDER, LOSS, OTHER }

  /** Every invariant the soak checks, by what breaking it looks like. */
  enum Kind {
    DUPLICATE_OR_REORDER_CLIENT_TO_SERVER("duplicate or reorder within a connection (client to"
        + " server)", Category.DUPLICATE_OR_REORDER),
    DUPLICATE_ACROSS_REDIAL("duplicate across a redial (client to server)",
        Category.DUPLICATE_OR_REORDER),
    DUPLICATE_OR_REORDER_SERVER_TO_CLIENT("duplicate or reorder (server to client)",
        Category.DUPLICATE_OR_REORDER),
    LOSS_INSIDE_CONNECTION_CLIENT_TO_SERVER("loss inside one connection (client to server)",
        Category.LOSS),
    LOSS_INSIDE_CONNECTION_SERVER_TO_CLIENT("loss inside one connection (server to client)",
        Category.LOSS),
    LOST_AFTER_LAST_CUT("lost after the last cut", Category.LOSS),
    ECHO_MISSING_ON_INTACT_CONNECTION("echo missing on a connection that never broke",
        Category.LOSS),
    LOST_IN_SESSION_CLIENT_TO_SERVER("loss in a resumable session (client to server)",
        Category.LOSS),
    LOST_IN_SESSION_SERVER_TO_CLIENT("loss in a resumable session (server to client)",
        Category.LOSS),
    REQUEST_UNANSWERED_IN_SESSION("request timed out and its reply never came (resumable"
        + " session)", Category.LOSS),
    SESSION_LOST("resumable session lost (a new one began)", Category.OTHER),
    SESSION_ACCEPTED_AGAIN("a client's session accepted more than once", Category.OTHER),
    SESSION_ENDED_EARLY("server session ended while its client still had it", Category.OTHER),
    ECHO_WITHOUT_RECEIPT("echo of a message the server never received", Category.OTHER),
    CORRUPT_AT_SERVER("corrupt message at the server", Category.OTHER),
    CORRUPT_AT_CLIENT("corrupt message at a client", Category.OTHER),
    TWO_CLIENTS_ON_ONE_CONNECTION("two clients on one connection", Category.OTHER),
    MESSAGE_FOR_ANOTHER_CLIENT("message for another client", Category.OTHER),
    WRONG_ID("wrong ID (client to server)", Category.OTHER),
    REPLY_MISMATCH("reply does not match its request", Category.OTHER),
    READERS_DIFFER("readers of one connection got different messages", Category.OTHER),
    COUNTERS_DISAGREE("counters disagree", Category.OTHER),
    WRITE_FAILED("write failed while the connection was open", Category.OTHER),
    REQUEST_FAILED("request failed, not with a timeout, while the connection was open",
        Category.OTHER),
    READER_ENDED("reader ended while the connection was open", Category.OTHER),
    LINK_FAILED_BY_LIBRARY("link failed by the library", Category.OTHER),
    GAVE_UP("gave up", Category.OTHER),
    HANG("hang", Category.OTHER),
    THREAD_FAILED("test thread failed", Category.OTHER),
    FAULT_INJECTION_FAILED("fault injection failed", Category.OTHER);

    final String description;
    final Category category;

    Kind(String description, Category category) {
      this.description = description;
      this.category = category;
    }
  }

  private final AtomicLongArray counts = new AtomicLongArray(Kind.values().length);
  private final Queue<String> details = new ConcurrentLinkedQueue<>();
  private final long origin = System.nanoTime();
  private volatile IntFunction<String> context = c -> "";

  void add(Kind kind, String detail) {
    if (counts.incrementAndGet(kind.ordinal()) <= DETAILS_PER_KIND) {
      details.add(kind.description + ": " + detail);
    }
  }

  /**
   * As {@link #add(Kind, String)}, for something that happened to client {@code client}: the
   * detail says when, and ends with what the client and its proxy went through just before
   * ({@link #context}).
   */
  void add(Kind kind, int client, String detail) {
    if (counts.incrementAndGet(kind.ordinal()) <= DETAILS_PER_KIND) {
      details.add(kind.description + ": at " + elapsed() + ", client " + client + ": " + detail
          + context.apply(client));
    }
  }

  /** What a client-specific violation adds to its detail: the client's recent history. */
  void context(IntFunction<String> context) {
    this.context = context;
  }

  /** Time since the run began, as "12.345s", for logs of events. */
  String elapsed() {
    long ms = (System.nanoTime() - origin) / 1_000_000;
    return ms / 1000 + "." + String.format(java.util.Locale.ROOT, "%03d", ms % 1000) + "s";
  }

  long total() {
    long n = 0;
    for (int i = 0; i < counts.length(); i++) {
      n += counts.get(i);
    }
    return n;
  }

  long count(Kind kind) {
    return counts.get(kind.ordinal());
  }

  long count(Category category) {
    long n = 0;
    for (Kind k : Kind.values()) {
      if (k.category == category) {
        n += counts.get(k.ordinal());
      }
    }
    return n;
  }

  /** Count per kind that happened, by description. */
  Map<String, Long> byKind() {
    Map<Kind, Long> m = new EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) {
      if (counts.get(k.ordinal()) > 0) {
        m.put(k, counts.get(k.ordinal()));
      }
    }
    Map<String, Long> named = new java.util.LinkedHashMap<>();
    m.forEach((k, v) -> named.put(k.description, v));
    return named;
  }

  @Override
  public String toString() {
    return total() + " violation(s) " + byKind() + "\n  " + String.join("\n  ", details);
  }
}
