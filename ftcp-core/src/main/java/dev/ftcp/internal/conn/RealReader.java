package dev.ftcp.internal.conn;

import dev.ftcp.ConnectionClosedException;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.Reader;
import dev.ftcp.internal.IoGroup;
import dev.ftcp.internal.Waiters;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reader's buffer and its blocking reads. The event loop appends ({@link #offer}) and wakes
 * waiting readers once per read batch ({@link #wakeIfWaiting()}); any number of application
 * threads take. The buffer is bounded by the connection pausing socket reads, not by refusing
 * offers: see the package documentation.
 */
final class RealReader implements Reader {
  private static final int CHUNK = 128;

  private final RealConn conn;
  // Unbounded by type, bounded by the connection pausing its socket: see the package docs.
  // A chunked array queue: no node per message, unlike ConcurrentLinkedQueue; the atomic
  // variant, because the Unsafe one makes JDK 24+ print warnings. Single-consumer: threads
  // sharing one reader take in turn (takeLock, never touched by the event loop).
  private final MpscUnboundedAtomicArrayQueue<Message> buffer =
      new MpscUnboundedAtomicArrayQueue<>(CHUNK);
  private final Object takeLock = new Object();
  private final AtomicInteger size = new AtomicInteger();
  private final Waiters waiting = new Waiters();
  private volatile boolean closed;

  RealReader(RealConn conn) {
    this.conn = conn;
  }

  /** Event loop: appends; returns the buffer's size after it. */
  int offer(Message m) {
    buffer.add(m);
    return size.incrementAndGet();
  }

  int size() {
    return size.get();
  }

  boolean isClosed() {
    return closed;
  }

  /** Wakes threads blocked in read; cheap when none is. */
  void wakeIfWaiting() {
    if (waiting.any()) {
      waiting.wakeAll();
    }
  }

  @Override
  public Message read() throws IOException {
    return read(Long.MAX_VALUE);
  }

  @Override
  public Message read(Duration timeout) throws IOException {
    Objects.requireNonNull(timeout, "timeout");
    return read(RealConn.deadlineAfter(timeout));
  }

  private Message read(long deadlineNanos) throws IOException {
    IoGroup.checkMayBlock("Reader.read");
    for (;;) {
      Message m = take();
      if (m != null) {
        return m;
      }
      if (closed) {
        throw new ConnectionClosedException("reader is closed");
      }
      if (conn.isTerminal()) {
        m = take(); // messages that came before the end are still delivered
        if (m != null) {
          return m;
        }
        throw conn.closedException();
      }
      long readDeadline = conn.readDeadlineNanos();
      long deadline = Math.min(deadlineNanos, readDeadline);
      if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0) {
        throw new FtcpTimeoutException(deadline == readDeadline
            ? "read deadline passed" : "no message within the read timeout");
      }
      waiting.parkUntil(() -> buffer.isEmpty() && !closed && !conn.isTerminal()
          && readDeadline == conn.readDeadlineNanos(), deadline, this, "a message");
    }
  }

  private Message take() {
    Message m;
    synchronized (takeLock) {
      m = buffer.poll();
    }
    if (m != null) {
      conn.taken(size.decrementAndGet());
    }
    return m;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      waiting.wakeAll();
      conn.readerClosed(this);
    }
  }
}
