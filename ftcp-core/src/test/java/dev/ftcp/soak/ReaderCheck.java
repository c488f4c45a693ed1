package dev.ftcp.soak;

import dev.ftcp.Message;
import dev.ftcp.soak.Violations.Kind;
import java.util.BitSet;

/**
 * Checks what one reader of a client connection receives, message by message, and sums it up so
 * that the readers of one connection can be compared at the end: fan-out means every reader
 * gets every message, in the same order.
 *
 * <p>What the server sends a client is the echo of each message it received from it, in the
 * order received, on the connection it received it on. So, for every reader:
 * <ul>
 *   <li>each message is an echo of one of this client's messages, intact;
 *   <li>an echo of a request is a reply to it: RepID = the request's ID = its seq; an echo of a
 *       one-way message is not a reply (RepID 0);
 *   <li>seqs strictly increase: no duplicate, no reordering (a redialed connection reaches the
 *       server only after the old one broke, so what it echoes comes later);
 *   <li>the server connection numbers what it sends 1, 2, 3...: each ID is the last one + 1, or
 *       1 when a new server connection starts. A gap inside one server connection would be a
 *       loss that no broken link explains. With a resumable session the server connection is
 *       the session, across every link: a gap is a loss, whatever broke meanwhile.
 * </ul>
 *
 * <p>Used by one thread at a time (a blocking reader's thread, or an asynchronous reader's
 * chain of callbacks, each one started after the last completed).
 */
final class ReaderCheck {
  private final int client;
  private final Violations violations;
  private final boolean resumable;
  /** Seqs whose echo this reader got; kept by the first reader only (null for the others). */
  final BitSet seen;

  private volatile long lastSeq;
  private long lastServerId;
  private volatile long count;
  private long hash = 17;
  private volatile long serverConnections;

  ReaderCheck(int client, boolean keepSeen, boolean resumable, Violations violations) {
    this.client = client;
    this.resumable = resumable;
    this.violations = violations;
    this.seen = keepSeen ? new BitSet() : null;
  }

  void accept(Message m) {
    Payloads.Parsed p = Payloads.parse(m.data());
    if (p == null) {
      violations.add(Kind.CORRUPT_AT_CLIENT, "client " + client + ": " + m);
      return;
    }
    if (p.client() != client) {
      violations.add(Kind.MESSAGE_FOR_ANOTHER_CLIENT, "client " + client + " got " + p);
      return;
    }
    long expectedRepId = p.kind() == Payloads.REQUEST ? p.seq() : 0;
    if (m.repId() != expectedRepId) {
      violations.add(Kind.REPLY_MISMATCH, "client " + client + " seq " + p.seq()
          + " kind " + p.kind() + " came with RepID " + m.repId());
    }
    if (p.seq() <= lastSeq) {
      violations.add(Kind.DUPLICATE_OR_REORDER_SERVER_TO_CLIENT, client,
          "seq " + p.seq() + " after " + lastSeq);
    }
    if (m.id() == 1) {
      serverConnections++;
      if (resumable && serverConnections > 1 && seen != null) { // told by one reader
        violations.add(Kind.SESSION_ACCEPTED_AGAIN, client, "the server's IDs began again at 1"
            + " after " + lastServerId + " (seq " + p.seq() + ")");
      }
    } else if (m.id() != lastServerId + 1) {
      violations.add(resumable ? Kind.LOST_IN_SESSION_SERVER_TO_CLIENT
          : Kind.LOSS_INSIDE_CONNECTION_SERVER_TO_CLIENT, client,
          "server ID " + m.id() + " after " + lastServerId + " (seq " + p.seq() + ")");
    }
    lastServerId = m.id();
    hash = (hash * 1_000_003L + p.seq()) * 31 + m.id();
    if (seen != null) {
      seen.set(Math.toIntExact(p.seq()));
    }
    lastSeq = p.seq();
    count++; // last: a thread that reads count (volatile) sees what came before
  }

  /** The seq of the last message received. */
  long lastSeq() {
    return lastSeq;
  }

  long count() {
    return count;
  }

  /** Server connections seen to start (their first message, ID 1, arrived). */
  long serverConnections() {
    return serverConnections;
  }

  /** Count, order and content of what was received, in one value. */
  String fingerprint() {
    long n = count;
    return n + "/" + lastSeq + "/" + Long.toHexString(hash);
  }
}
