package dev.ftcp.internal.conn;

import dev.ftcp.ConnectionClosedException;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.Reader;
import dev.ftcp.internal.IoGroup;
import dev.ftcp.internal.Waiters;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.jctools.queues.atomic.SpscUnboundedAtomicArrayQueue;

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
  // variant, because the Unsafe one makes JDK 24+ print warnings. Single producer (the event
  // loop) and single consumer: threads sharing one reader take in turn (takeLock; the event
  // loop only tries it), so an offer is plain stores and no compare-and-set.
  private final SpscUnboundedAtomicArrayQueue<Message> buffer =
      new SpscUnboundedAtomicArrayQueue<>(CHUNK);
  // The buffer's size is offered - taken. Each counter has one writer at a time (the event
  // loop; the holder of takeLock), so neither needs a read-modify-write: the event loop
  // publishes with a release store (no fence per message); the taker with a volatile store,
  // because RealConn.taken then reads readPaused and the event loop, after setting it, reads
  // taken: each side's store must be ordered before its load (see resumeCheck).
  private static final VarHandle OFFERED;
  private static final VarHandle TAKEN;
  private long offered; // event loop
  private long taken; // under takeLock
  // Taken by reader threads; the event loop only ever tries it (see registerAsync).
  private final ReentrantLock takeLock = new ReentrantLock();
  // Asynchronous reads waiting for a message, and messages handed to them in this read batch
  // (future, message, future, message...), completed once per batch on the callback executor.
  // Event loop only (or any thread once the connection has ended).
  private final ArrayDeque<CompletableFuture<Message>> asyncWaiting = new ArrayDeque<>();
  private final ArrayList<Object> handoffs = new ArrayList<>();
  private final Waiters waiting = new Waiters();
  private volatile boolean closed;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      OFFERED = l.findVarHandle(RealReader.class, "offered", long.class);
      TAKEN = l.findVarHandle(RealReader.class, "taken", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  RealReader(RealConn conn) {
    this.conn = conn;
  }

  /** Event loop: to a waiting asynchronous read, else to the buffer; returns the buffer's size. */
  int offer(Message m) {
    CompletableFuture<Message> f = asyncWaiting.poll();
    if (f != null) {
      handoffs.add(f);
      handoffs.add(m);
      return size();
    }
    buffer.add(m);
    OFFERED.setRelease(this, offered + 1);
    return size();
  }

  /** Event loop, at the end of a read batch: completes this batch's asynchronous reads. */
  @SuppressWarnings("unchecked")
  void flushHandoffs(Executor executor) {
    if (handoffs.isEmpty()) {
      return;
    }
    Object[] done = handoffs.toArray();
    handoffs.clear();
    executor.execute(() -> {
      for (int i = 0; i < done.length; i += 2) {
        ((CompletableFuture<Message>) done[i]).complete((Message) done[i + 1]);
      }
    });
  }

  /** Event loop (or any thread once the connection ended): fails every waiting async read. */
  void failAsync(Executor executor, ConnectionClosedException e) {
    flushHandoffs(executor); // what arrived before the end is still delivered
    if (asyncWaiting.isEmpty()) {
      return;
    }
    Object[] waiting = asyncWaiting.toArray();
    asyncWaiting.clear();
    executor.execute(() -> {
      for (Object f : waiting) {
        ((CompletableFuture<?>) f).completeExceptionally(e);
      }
    });
  }

  @Override
  public CompletableFuture<Message> readAsync() {
    CompletableFuture<Message> f = new CompletableFuture<>();
    if (closed) {
      f.completeExceptionally(new ConnectionClosedException("reader is closed"));
      return f;
    }
    Message m = take(); // a message already here: no trip through the event loop
    if (m != null) {
      f.complete(m);
    } else if (!conn.runOnLoop(() -> registerAsync(f))) {
      registerAsync(f); // the loop is gone, so the connection has ended
    }
    return f;
  }

  /**
   * Event loop: take a message that arrived since readAsync looked, or wait for the next one.
   * Never blocks: if a reader thread holds the take lock, it tries again as a new task.
   */
  private void registerAsync(CompletableFuture<Message> f) {
    if (f.isDone()) {
      return;
    }
    Executor executor = conn.options.callbackExecutor();
    if (closed) {
      executor.execute(() -> f.completeExceptionally(
          new ConnectionClosedException("reader is closed")));
      return;
    }
    if (!takeLock.tryLock()) {
      if (!conn.runOnLoop(() -> registerAsync(f))) {
        takeLock.lock(); // the loop is gone: no event loop left to keep from blocking
        takeLock.unlock();
        registerAsync(f);
      }
      return;
    }
    Message m;
    try {
      m = pollLocked();
    } finally {
      takeLock.unlock();
    }
    if (m != null) {
      conn.taken(this);
      executor.execute(() -> f.complete(m));
    } else if (conn.isTerminal()) {
      ConnectionClosedException e = conn.closedException();
      executor.execute(() -> f.completeExceptionally(e));
    } else {
      asyncWaiting.add(f);
    }
  }

  /** Messages in the buffer; exact on the event loop, a recent value elsewhere. */
  int size() {
    return (int) ((long) OFFERED.getAcquire(this) - (long) TAKEN.getVolatile(this));
  }

  /** Takes the head of the buffer; the caller holds takeLock. */
  private Message pollLocked() {
    Message m = buffer.poll();
    if (m != null) {
      TAKEN.setVolatile(this, taken + 1);
    }
    return m;
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Wakes threads blocked in read; cheap when none is. Called once per read batch, after the
   * batch's offers. The fence orders those offers (release stores) before the look at the
   * waiters: a waiter registers and then checks the buffer, so without it each side could miss
   * the other's store and a reader sleep beside a message.
   */
  void wakeIfWaiting() {
    VarHandle.fullFence();
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
    takeLock.lock();
    try {
      m = pollLocked();
    } finally {
      takeLock.unlock();
    }
    if (m != null) {
      conn.taken(this);
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
