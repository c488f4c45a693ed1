package dev.ftcp.soak;

import dev.ftcp.ConnStats;
import dev.ftcp.soak.SoakServer.Range;
import dev.ftcp.soak.Violations.Kind;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * The checks made at the end, when every client has settled: what the server received from each
 * client, across all of its connections, against what the client wrote; what the client's
 * readers received against what the server received; each timed-out request explained.
 *
 * <p>What README's "Delivery guarantee" promises, and so what is checked, no more and no less:
 * <ul>
 *   <li>Nothing written is lost while the connection is open, with one exception, "the one
 *       window": bytes the kernel had accepted when the link broke. Within one TCP connection
 *       nothing is lost in the middle, so what one server connection received from a client is
 *       a run of consecutive seqs (checked as it came, by {@link SoakServer}), and messages can
 *       be missing only between one connection's last and the next one's first: those are
 *       counted as lost in a cut, not as violations. Everything after the last cut arrives: the
 *       last connection ends with the client's last message.
 *   <li>In the order written, and never twice: each connection's seqs come after those of the
 *       client's connections before it.
 *   <li>The same for what the server sends back, except that a server connection does not
 *       redial: what it sent can be missing at the end of a connection that broke (the window
 *       again, and what was still queued in it, which a failed server connection discards),
 *       never in the middle, and nothing is missing on a connection that never broke.
 *   <li>A request may time out only when a cut lost it or its reply (or when its reply came
 *       late, which the readers then saw); any other failure was a violation when it happened.
 *   <li>Every reader gets every message in order: all readers of a connection got the same.
 *   <li>The counters agree: every message handed to the socket once ({@code messagesOut}),
 *       nothing left queued or discarded, no late reply discarded (readers were always open),
 *       every message received went to the readers ({@code messagesIn}).
 * </ul>
 *
 * <p>With resumable sessions ({@link SoakConfig.Mode#RESUMABLE}) there is no window, and no
 * allowance: each client's session is accepted once and carries every seq it wrote, in order,
 * each once, across every cut; every echo reaches every reader; a request times out only when
 * its reply came late; no session is lost (none of the soak's faults keeps a client away for
 * the resume timeout); a client resumed on every link it redialed; every message was
 * acknowledged, and none was counted out more often than it was sent again, plus once.
 *
 * <p>What a test from outside cannot see: whether the kernel really had taken each message
 * lost at a reconnection. That it was handed to a socket, the library's own count says
 * ({@code messagesOut} equals what was written, nothing discarded), so a message dropped from
 * the queue would show; a message the library wrongly believed the kernel had taken would not.
 * {@code redial.CutMidWriteIT} checks that case on its own: a frame cut mid-write is sent
 * again whole.
 *
 * <p>Not thread-safe: used by the test thread once everything has stopped.
 */
final class SoakChecks {
  private final Violations violations;
  private final boolean resumable;

  long written;
  long receivedByServer;
  long lostInCuts;
  long cutsWithLoss;
  long mostLostInOneCut;
  long echoesMissing;
  long echoesDelivered;
  long deliveries;
  long timeoutsLate;
  long timeoutsRequestLost;
  long timeoutsReplyLost;
  long serverConnections;
  long acceptOrderInversions;
  long redials;
  long redialedEvents;
  long messagesIn;
  long messagesOut;
  long resumes;
  long resumedEvents;
  long sessionsLost;
  long messagesResent;

  SoakChecks(Violations violations, boolean resumable) {
    this.violations = violations;
    this.resumable = resumable;
  }

  /**
   * Checks one client, whose stats were taken once it had settled. {@code ranges}: what each
   * of its server connections received, in any order.
   *
   * <p>The ranges are put in seq order, not in the order the server accepted them: a client's
   * connections reach the server's kernel one after the other, but the listener hands them out
   * as each one's event loop gets to it, and on a busy machine a connection can be handed out
   * after the next one, with what it received already in its socket. In seq order, two ranges
   * that overlap are a message received twice. A message sent on a later connection before
   * older ones (a reorder across a redial) cannot hide there either: within a connection seqs
   * must follow one another (checked by the server), and the client's readers see the echoes
   * of its connections one connection after the other, in strictly increasing seqs.
   */
  void check(SoakClient client, ConnStats stats, List<Range> ranges) {
    ranges = new ArrayList<>(ranges);
    ranges.sort(Comparator.comparingLong(Range::first));
    int c = client.index;
    long last = client.lastSeq();
    written += last;
    ReaderCheck first = client.checks.get(0);
    BitSet seen = first.seen;
    echoesDelivered += first.count();
    serverConnections += ranges.size();
    redials += stats.redials();
    redialedEvents += client.redialedEvents();
    messagesIn += stats.messagesIn();
    messagesOut += stats.messagesOut();
    resumes += stats.resumes();
    resumedEvents += client.resumedEvents();
    sessionsLost += client.sessionsLost();
    messagesResent += stats.messagesResent();
    if (resumable && ranges.size() > 1) {
      violations.add(Kind.SESSION_ACCEPTED_AGAIN, c, ranges.size() + " server connections: "
          + ranges);
    }

    for (int i = 1; i < ranges.size(); i++) {
      if (ranges.get(i).acceptIndex() < ranges.get(i - 1).acceptIndex()) {
        acceptOrderInversions++;
      }
    }
    long before = 0; // the last seq of the connections before
    Range previous = null;
    for (int i = 0; i < ranges.size(); i++) {
      Range r = ranges.get(i);
      receivedByServer += r.count();
      if (r.first() <= before) {
        violations.add(Kind.DUPLICATE_ACROSS_REDIAL, "client " + c
            + ": seqs " + r.first() + ".." + Math.min(before, r.last()) + " received on two"
            + " connections: " + previous + " and " + r);
        before = Math.max(before, r.last());
        previous = r;
        continue;
      }
      long lost = r.first() - before - 1;
      if (lost > 0) {
        if (resumable) {
          violations.add(Kind.LOST_IN_SESSION_CLIENT_TO_SERVER, c, "seqs " + (before + 1) + ".."
              + (r.first() - 1) + " never reached the server, between " + previous + " and "
              + r);
        }
        lostInCuts += lost;
        cutsWithLoss++;
        mostLostInOneCut = Math.max(mostLostInOneCut, lost);
        int echoed = seen.nextSetBit(Math.toIntExact(before + 1));
        if (echoed >= 0 && echoed < r.first()) {
          violations.add(Kind.ECHO_WITHOUT_RECEIPT, "client " + c
              + " seq " + echoed);
        }
      }
      boolean lastConnection = i == ranges.size() - 1;
      int gap = seen.nextClearBit(Math.toIntExact(r.first()));
      if (gap <= r.last()) {
        if (resumable) {
          violations.add(Kind.LOST_IN_SESSION_SERVER_TO_CLIENT, c, "no echo of seq " + gap
              + " (server connection " + r.acceptIndex() + ", seqs " + r.first() + ".."
              + r.last() + ")");
        } else if (lastConnection) {
          violations.add(Kind.ECHO_MISSING_ON_INTACT_CONNECTION, "client " + c
              + ": no echo of seq " + gap + " (connection " + r.acceptIndex() + ", seqs "
              + r.first() + ".." + r.last() + ")");
        }
        int resumed = seen.nextSetBit(gap);
        if (resumed >= 0 && resumed <= r.last()) {
          violations.add(Kind.LOSS_INSIDE_CONNECTION_SERVER_TO_CLIENT, "client " + c
              + ": no echo of seq " + gap + " but of seq " + resumed + ", both received on"
              + " server connection " + r.acceptIndex());
        }
        echoesMissing += r.last() - gap + 1;
      }
      before = r.last();
      previous = r;
    }
    if (before != last) {
      violations.add(Kind.LOST_AFTER_LAST_CUT, "client " + c + " wrote seqs up to " + last
          + ", the server received up to " + before + " ("
          + ranges.size() + " connections)");
    }

    for (long seq : client.timedOut) {
      Range r = find(ranges, seq);
      if (seen.get(Math.toIntExact(seq))) {
        timeoutsLate++;
      } else {
        if (r == null) {
          timeoutsRequestLost++;
        } else if (r != ranges.get(ranges.size() - 1)) {
          timeoutsReplyLost++;
        } // else: the echo check above has reported the reply missing on an intact connection
        if (resumable) {
          violations.add(Kind.REQUEST_UNANSWERED_IN_SESSION, c, "request seq " + seq
              + (r == null ? ": the server never received it" : ": no reply"));
        }
      }
    }

    for (int i = 0; i < client.checks.size(); i++) {
      ReaderCheck other = client.checks.get(i);
      deliveries += other.count();
      if (i > 0 && !other.fingerprint().equals(first.fingerprint())) {
        violations.add(Kind.READERS_DIFFER, "client " + c
            + ": reader 0 " + first.fingerprint() + ", reader " + i + " "
            + other.fingerprint() + " (count/last seq/hash)");
      }
    }

    // With a resumable session, a message is counted out each time a batch that holds it is
    // handed to the socket whole: at most once, plus once per time it was sent again (a batch
    // that failed midway counts for none of its messages, though the peer may have some).
    boolean out = resumable
        ? stats.messagesOut() <= last + stats.messagesResent()
        : stats.messagesOut() == last;
    boolean sessions = !resumable
        || stats.redials() == stats.resumes() + client.sessionsLost()
            && client.resumedEvents() == stats.resumes();
    if (!out || !sessions || stats.queued() != 0 || stats.messagesDiscarded() != 0
        || stats.lateRepliesDiscarded() != 0 || stats.messagesIn() != first.count()) {
      violations.add(Kind.COUNTERS_DISAGREE, "client " + c + " wrote " + last + ", its readers got "
          + first.count() + ", resumed events " + client.resumedEvents() + ", " + stats);
    }
  }

  /** The connection that received {@code seq}, or null (ranges ascend, as checked). */
  private static Range find(List<Range> ranges, long seq) {
    int lo = 0;
    int hi = ranges.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Range r = ranges.get(mid);
      if (seq < r.first()) {
        hi = mid - 1;
      } else if (seq > r.last()) {
        lo = mid + 1;
      } else {
        return r;
      }
    }
    return null;
  }
}
