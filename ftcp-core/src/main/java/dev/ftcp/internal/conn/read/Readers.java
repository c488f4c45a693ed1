package dev.ftcp.internal.conn.read;

import dev.ftcp.Message;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A connection's open readers and its backlog: the messages that came while no reader was open,
 * handed whole to the next reader that opens. The readers are a copy-on-write array, so the
 * event loop's fan-out of each message walks a plain array and takes no lock; opening or closing
 * a reader copies it and, with the backlog, takes this object's lock.
 *
 * <p>Threads: the event loop, or any thread once the connection has ended (then the event loop
 * no longer touches it); {@link #all()} from any thread.
 */
final class Readers {
  private static final RealReader[] NONE = new RealReader[0];

  private volatile RealReader[] readers = NONE; // written under the lock
  // Under the lock off the loop; made by the first message no reader takes.
  private ArrayDeque<Message> backlog;

  /** The open readers: a snapshot, never modified. */
  RealReader[] all() {
    return readers;
  }

  /** Adds {@code r} and hands it the backlog; nothing if {@code r} was closed meanwhile. */
  synchronized void add(RealReader r) {
    if (r.isClosed()) {
      return;
    }
    RealReader[] rs = readers;
    RealReader[] more = Arrays.copyOf(rs, rs.length + 1);
    more[rs.length] = r;
    readers = more;
    Message m;
    while (backlog != null && (m = backlog.poll()) != null) {
      r.offer(m);
    }
  }

  synchronized void remove(RealReader r) {
    RealReader[] rs = readers;
    int i = Arrays.asList(rs).indexOf(r);
    if (i >= 0) {
      RealReader[] fewer = new RealReader[rs.length - 1];
      System.arraycopy(rs, 0, fewer, 0, i);
      System.arraycopy(rs, i + 1, fewer, i, rs.length - i - 1);
      readers = fewer;
    }
  }

  /** Event loop: keeps a message that no reader took; returns the backlog's size. */
  int keep(Message m) {
    if (backlog == null) {
      backlog = new ArrayDeque<>();
    }
    backlog.add(m);
    return backlog.size();
  }

  /** Event loop: whether some open reader, or the backlog, holds {@code depth} messages. */
  boolean anyFull(int depth) {
    for (RealReader r : readers) {
      if (!r.isClosed() && r.size() >= depth) {
        return true;
      }
    }
    return backlog != null && backlog.size() >= depth;
  }
}
