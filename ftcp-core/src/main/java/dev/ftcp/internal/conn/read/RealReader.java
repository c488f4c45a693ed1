package dev.ftcp.internal.conn.read;

import dev.ftcp.ConnectionClosedException;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.Reader;
import dev.ftcp.internal.IoGroup;
import dev.ftcp.internal.VarHandles;
import dev.ftcp.internal.Waiters;
import dev.ftcp.internal.time.Deadlines;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.jctools.queues.atomic.SpscUnboundedAtomicArrayQueue;

/**
 * A reader's buffer, its blocking reads and its asynchronous reads. The event loop appends
 * ({@link #offer}) and, once per read batch ({@link #batchDone}), wakes blocked readers and
 * completes waiting asynchronous reads; any number of application threads take. The buffer is
 * bounded by the connection pausing socket reads, not by refusing offers: see {@link ReadFlow}.
 */
final class RealReader implements Reader {
  private static final int CHUNK = 128;
  private static final VarHandle OFFERED =
      VarHandles.field(MethodHandles.lookup(), "offered", long.class);
  private static final VarHandle TAKEN =
      VarHandles.field(MethodHandles.lookup(), "taken", long.class);
  private static final VarHandle TAKE_LOCK =
      VarHandles.field(MethodHandles.lookup(), "takeLock", ReentrantLock.class);
  private static final VarHandle WAITING =
      VarHandles.field(MethodHandles.lookup(), "waiting", Waiters.class);

  private final Inbound owner;
  private final ReadHost conn;
  // Unbounded by type, bounded by the connection pausing its socket: see the package docs.
  // A chunked array queue: no node per message, unlike ConcurrentLinkedQueue; the atomic
  // variant, because the Unsafe one makes JDK 24+ print warnings. Single producer (the event
  // loop) and single consumer: threads sharing one reader take in turn (takeLock; the event
  // loop only tries it), so an offer is plain stores and no compare-and-set. Made by the first
  // offer: a reader that has received nothing holds no chunk (most of an idle reader's size).
  private volatile SpscUnboundedAtomicArrayQueue<Message> buffer;
  // The buffer's size is offered - taken. Each counter has one writer at a time (the event
  // loop; the holder of takeLock), so neither needs a read-modify-write: the event loop
  // publishes with a release store (no fence per message); the taker with a volatile store,
  // because ReadFlow.taken then reads its paused flag and the event loop, after setting it, reads
  // taken: each side's store must be ordered before its load (see ReadFlow.resumeCheck).
  private long offered; // event loop
  private long taken; // under takeLock
  // Taken by reader threads; the event loop only ever tries it.
  // Made by the first call of takeLock().
  private volatile ReentrantLock takeLock;
  // Asynchronous reads waiting for a message: added by any thread, matched with buffered
  // messages by the event loop after each read batch (see readAsync for why none is missed).
  private final ConcurrentLinkedQueue<CompletableFuture<Message>> asyncWaiting =
      new ConcurrentLinkedQueue<>();
  // Matched pairs (future, message, future, message...), completed once per batch on the
  // callback executor. Event loop only (or any thread once the connection has ended).
  private ArrayList<Object> handoffs; // made by the first match
  private volatile Waiters waiting; // threads blocked in read; made by the first
  private volatile boolean closed;

  RealReader(Inbound owner, ReadHost conn) {
    this.owner = owner;
    this.conn = conn;
  }

  /** Event loop: appends to the buffer; returns the buffer's size. */
  int offer(Message m) {
    SpscUnboundedAtomicArrayQueue<Message> b = buffer;
    if (b == null) {
      buffer = b = new SpscUnboundedAtomicArrayQueue<>(CHUNK);
    }
    b.add(m);
    OFFERED.setRelease(this, offered + 1);
    return size();
  }

  /**
   * Event loop, after a batch of offers: wakes blocked readers and completes waiting
   * asynchronous reads with what is buffered, in one task on the callback executor. The fence
   * orders the batch's offers (release stores) before the look at who waits: a waiter registers
   * and then looks at the buffer, so without it each side could miss the other's store and a
   * read wait beside a message.
   */
  void batchDone() {
    VarHandle.fullFence();
    wakeIfWaiting();
    if (!asyncWaiting.isEmpty()) {
      if (matchAsync()) {
        flushHandoffs();
      } else {
        retrySettle();
      }
    }
  }

  /**
   * Event loop, in the middle of a long read batch: completes waiting asynchronous reads with
   * what is buffered so far. Blocked readers are left to {@link #batchDone}, and so is a take
   * lock a reader thread holds: the batch's end looks again.
   */
  void handOverAsync() {
    if (!asyncWaiting.isEmpty() && matchAsync()) {
      flushHandoffs();
    }
  }

  @Override
  public CompletableFuture<Message> readAsync() {
    CompletableFuture<Message> f = new CompletableFuture<>();
    if (closed) {
      f.completeExceptionally(new ConnectionClosedException("reader is closed"));
      return f;
    }
    // A message already here, and no earlier read waiting for it: no trip through the loop.
    Message m = asyncWaiting.isEmpty() ? take() : null;
    if (m != null) {
      f.complete(m);
      return f;
    }
    // Registered with a compare-and-set (a full fence), then the buffer is looked at again:
    // either that look sees a message the event loop added meanwhile, or the event loop's look
    // at the waiters after its batch (batchDone) sees this read. Only in the first case, or at
    // the end, does the event loop get a task; otherwise a waiting read costs it nothing.
    asyncWaiting.add(f);
    if (!bufferEmpty() || closed || conn.ended()) {
      settleSoon();
    }
    return f;
  }

  /** Any thread: the reader was closed or the connection ended; settles asynchronous reads. */
  void ended() {
    settleSoon();
  }

  private void settleSoon() {
    if (conn.inLoop() || !conn.runOnLoop(this::settle)) {
      settle();
    }
  }

  /**
   * Event loop (or any thread once the loop is gone): matches waiting asynchronous reads with
   * what is buffered and, once the reader or the connection has ended, fails the reads left.
   * What arrived before the end is still delivered.
   */
  private void settle() {
    if (!matchAsync()) {
      retrySettle();
      return;
    }
    flushHandoffs();
    if ((closed || conn.ended()) && bufferEmpty() && !asyncWaiting.isEmpty()) {
      ConnectionClosedException e = closed
          ? new ConnectionClosedException("reader is closed") : conn.closedException();
      Executor executor = conn.callbacks();
      CompletableFuture<Message> f;
      while ((f = asyncWaiting.poll()) != null) {
        CompletableFuture<Message> failed = f;
        executor.execute(() -> failed.completeExceptionally(e));
      }
    }
  }

  /** A reader thread held the take lock: settle again as a new event-loop task. */
  private void retrySettle() {
    if (!conn.runOnLoop(this::settle)) {
      takeLock().lock(); // the loop is gone: no event loop left to keep from blocking
      takeLock().unlock();
      settle();
    }
  }

  /**
   * Pairs waiting asynchronous reads with buffered messages, in order. Never blocks: returns
   * false when a reader thread holds the take lock.
   */
  private boolean matchAsync() {
    if (!takeLock().tryLock()) {
      return false;
    }
    boolean took = false;
    try {
      CompletableFuture<Message> f;
      while ((f = asyncWaiting.peek()) != null) {
        if (f.isDone()) {
          asyncWaiting.poll(); // completed by its caller (cancelled): it takes no message
          continue;
        }
        Message m = pollLocked();
        if (m == null) {
          break;
        }
        asyncWaiting.poll();
        if (handoffs == null) {
          handoffs = new ArrayList<>();
        }
        handoffs.add(f);
        handoffs.add(m);
        took = true;
      }
    } finally {
      takeLock().unlock();
    }
    if (took) {
      owner.taken(this);
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  private void flushHandoffs() {
    if (handoffs == null || handoffs.isEmpty()) {
      return;
    }
    Object[] done = handoffs.toArray();
    handoffs.clear();
    conn.callbacks().execute(() -> {
      for (int i = 0; i < done.length; i += 2) {
        ((CompletableFuture<Message>) done[i]).complete((Message) done[i + 1]);
      }
    });
  }

  /** Messages in the buffer; exact on the event loop, a recent value elsewhere. */
  int size() {
    return (int) ((long) OFFERED.getAcquire(this) - (long) TAKEN.getVolatile(this));
  }

  /** The threads blocked in read; made by the first call (a thread about to block). */
  private Waiters waiters() {
    Waiters w = waiting;
    if (w == null) {
      Waiters fresh = new Waiters();
      w = (Waiters) WAITING.compareAndExchange(this, null, fresh);
      if (w == null) {
        w = fresh;
      }
    }
    return w;
  }

  /** The lock takers hold; made by the first call. */
  private ReentrantLock takeLock() {
    ReentrantLock l = takeLock;
    if (l == null) {
      ReentrantLock fresh = new ReentrantLock();
      l = (ReentrantLock) TAKE_LOCK.compareAndExchange(this, null, fresh);
      if (l == null) {
        l = fresh;
      }
    }
    return l;
  }

  private boolean bufferEmpty() {
    SpscUnboundedAtomicArrayQueue<Message> b = buffer;
    return b == null || b.isEmpty();
  }

  /** Takes the head of the buffer; the caller holds takeLock. */
  private Message pollLocked() {
    SpscUnboundedAtomicArrayQueue<Message> b = buffer;
    Message m = b == null ? null : b.poll();
    if (m != null) {
      TAKEN.setVolatile(this, taken + 1);
    }
    return m;
  }

  boolean isClosed() {
    return closed;
  }

  /** Wakes threads blocked in read, to look at the connection again; cheap when none is. */
  void wakeIfWaiting() {
    Waiters w = waiting;
    if (w != null && w.any()) {
      w.wakeAll();
    }
  }

  @Override
  public Message read() throws IOException {
    return read(Long.MAX_VALUE);
  }

  @Override
  public Message read(Duration timeout) throws IOException {
    Objects.requireNonNull(timeout, "timeout");
    return read(Deadlines.after(System.nanoTime(), timeout));
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
      if (conn.ended()) {
        m = take(); // messages that came before the end are still delivered
        if (m != null) {
          return m;
        }
        throw conn.closedException();
      }
      long readDeadline = conn.readDeadline();
      long deadline = Math.min(deadlineNanos, readDeadline);
      if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0) {
        throw new FtcpTimeoutException(deadline == readDeadline
            ? "read deadline passed" : "no message within the read timeout");
      }
      waiters().parkUntil(() -> bufferEmpty() && !closed && !conn.ended()
          && readDeadline == conn.readDeadline(), deadline, this, "a message");
    }
  }

  private Message take() {
    if (bufferEmpty()) {
      return null; // callers look again after registering as waiting: no lock for nothing
    }
    Message m;
    takeLock().lock();
    try {
      m = pollLocked();
    } finally {
      takeLock().unlock();
    }
    if (m != null) {
      owner.taken(this);
    }
    return m;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      wakeIfWaiting();
      owner.readerClosed(this);
    }
  }
}
