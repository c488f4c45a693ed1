package dev.ftcp.internal.conn.read;

import dev.ftcp.Message;
import dev.ftcp.Reader;
import dev.ftcp.internal.IoGroup;
import dev.ftcp.internal.VarHandles;
import dev.ftcp.internal.codec.FrameCodec;
import dev.ftcp.internal.conn.request.Requests;
import dev.ftcp.internal.conn.write.BatchWriter;
import io.netty.channel.Channel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Where each received message goes: to the request it answers, to every open reader, to the
 * backlog when no reader is open, or, when it answers a request that timed out, nowhere (a late
 * reply, counted). Owns the readers ({@link Readers}), read flow control ({@link ReadFlow}) and
 * the received counts, and hands each read batch over in pieces (see {@link #HAND_OVER_EVERY}).
 *
 * <p>Threads: the event loop, but {@link #newReader}, {@link #wakeReaders} and the counters,
 * which any thread may call. Cost per message: the fan-out over the readers' array and one
 * buffer append each; per read batch, one wake-up check per reader and one callback task for
 * the asynchronous replies and reads it completed.
 */
public final class Inbound {
  private static final VarHandle MESSAGES_IN =
      VarHandles.field(MethodHandles.lookup(), "messagesIn", long.class);
  private static final VarHandle BYTES_IN =
      VarHandles.field(MethodHandles.lookup(), "bytesIn", long.class);

  /**
   * Messages of one read batch after which what was answered so far is handed over and sent:
   * see {@link #handOver}. Enough that a send's system call is shared by many replies; few enough
   * that a window of a few hundred requests travels in several pieces at once. On rr-256 with
   * callbacks on the I/O thread, 64 made 3.1-3.2 M requests/s, 48 3.0-3.2 M, 32 2.9-3.0 M
   * (docs/BENCHMARKS.md).
   */
  public static final int HAND_OVER_EVERY = 64;

  private final ReadHost host;
  private volatile Requests requests; // null until the connection's first request
  private final BatchWriter writer;
  private final int prefix;
  private final int depth;
  private final Readers readers = new Readers();
  private final ReadFlow flow;
  private int sinceHandOver; // event loop: messages since the last hand-over or batch end
  private SessionHooks session; // event loop; null unless the connection is resumable

  // Counters: written by the event loop alone, with opaque stores (a plain store on x86: no
  // fence per message), read by any thread with opaque loads (never torn).
  private long messagesIn;
  private long bytesIn;
  private volatile long lateReplies;

  /**
   * @param requests the requests its replies answer; null until the connection's first request
   *     (then {@link #useRequests})
   * @param writer drained at each hand-over, so replies written by callbacks go out then
   * @param bigFrames whether frames have the 4-byte length prefix of big frames (for the byte counts)
   * @param depth readerBufferDepth: where a reader's buffer or the backlog pauses reading
   */
  public Inbound(ReadHost host, Requests requests, BatchWriter writer, boolean bigFrames,
      int depth) {
    this.host = host;
    this.requests = requests;
    this.writer = writer;
    this.prefix = FrameCodec.prefixLength(bigFrames);
    this.depth = depth;
    this.flow = new ReadFlow(host, readers, depth);
  }

  /** A resumable session sees each message first (set before the first channel is ready). */
  public void session(SessionHooks hooks) {
    this.session = hooks;
  }

  /** Event loop: one decoded message. */
  public void onMessage(Message m) {
    if (session != null && !session.onReceived(m)) {
      return;
    }
    deliver(m);
    if (++sinceHandOver >= HAND_OVER_EVERY) {
      handOver();
    }
  }

  /**
   * Event loop, every {@link #HAND_OVER_EVERY} messages of a long read batch: completes the
   * asynchronous requests and reads the batch has answered so far and sends what their callbacks
   * wrote, instead of all of it at the batch's end. A peer that sent many requests at once then
   * works on the first replies while this side decodes the rest, so both ends run at the same
   * time (rr-256 with direct callbacks: 1.23 to 2.42 M requests/s). Blocked readers still wake
   * once per batch (waking them more often cost one-way throughput).
   */
  /**
   * Any thread: from now on replies are matched with {@code r}'s requests. Called with the one
   * instance a connection makes, before any of its requests is sent; idempotent.
   */
  public void useRequests(Requests r) {
    requests = r;
  }

  private void handOver() {
    sinceHandOver = 0;
    Requests rs = requests;
    if (rs != null) {
      rs.completeAnswered();
    }
    for (RealReader r : readers.all()) {
      r.handOverAsync();
    }
    writer.drainIfScheduled(); // the task stays queued and finds less to do
  }

  private void deliver(Message m) {
    MESSAGES_IN.setOpaque(this, messagesIn + 1);
    BYTES_IN.setOpaque(this, bytesIn + FrameCodec.frameSize(m.data().length, prefix));
    if (flow.isPaused() && host.outputShut()) {
      // close() reads on only to see the peer's end of stream: with a buffer full, keep
      // nothing more, or a flooding peer could fill memory for as long as closeLinger.
      return;
    }
    Requests rs = requests;
    Requests.Routed routed = rs == null ? Requests.Routed.NONE : rs.route(m);
    boolean delivered = false;
    for (RealReader r : readers.all()) {
      if (!r.isClosed()) {
        delivered = true;
        if (r.offer(m) >= depth) {
          flow.pause();
        }
      }
    }
    if (delivered || routed == Requests.Routed.ANSWERED) {
      return;
    }
    if (routed == Requests.Routed.LATE) {
      lateReplies++;
      return;
    }
    if (readers.keep(m) >= depth) {
      flow.pause();
    }
  }

  /** Event loop, at the end of one socket read: wake readers, hand async replies over. */
  public void onReadComplete() {
    sinceHandOver = 0;
    for (RealReader r : readers.all()) {
      r.batchDone();
    }
    Requests rs = requests;
    if (rs != null) {
      rs.completeAnswered();
    }
    if (flow.isPaused()) {
      flow.resumeCheck(); // a reader may have drained while this batch filled it: see taken()
    }
    if (session != null) {
      session.readComplete();
    }
  }

  /** Event loop: messages received so far, up to the one being handled. */
  public long receivedOnLoop() {
    return messagesIn;
  }

  /** Event loop: a new channel is ready; it reads only if reading is not paused. */
  public void channelReady(Channel ch) {
    flow.applyTo(ch);
  }

  /** Whether socket reads are paused because a buffer is full. */
  public boolean readingPaused() {
    return flow.isPaused();
  }

  /**
   * Any thread: a new reader, registered on the event loop before this returns, so that every
   * message the event loop handles after this call returns reaches the reader: a peer's reply to
   * anything sent after {@code reader()} cannot slip past it into the backlog.
   */
  public Reader newReader() {
    RealReader r = new RealReader(this, host);
    if (host.ended() || host.inLoop()) {
      addReader(r);
    } else if (IoGroup.onIoThread()) {
      // Another event loop (a direct callback executor): waiting could deadlock two loops.
      if (!host.runOnLoop(() -> addReader(r))) {
        addReader(r);
      }
    } else if (!host.runOnLoopAndWait(() -> addReader(r))) {
      addReader(r); // the loop is gone, so the connection has ended
    }
    return r;
  }

  /** Event loop, or any thread once the connection has ended. */
  private void addReader(RealReader r) {
    readers.add(r);
    r.batchDone();
    if (flow.isPaused() && !host.ended()) {
      flow.resumeCheck();
    }
  }

  /** Any thread: {@code r} was closed. */
  void readerClosed(RealReader r) {
    Runnable remove = () -> {
      readers.remove(r);
      r.ended();
      if (flow.isPaused() && !host.ended()) {
        flow.resumeCheck();
      }
    };
    if (host.ended() || !host.runOnLoop(remove)) {
      remove.run();
    }
  }

  /** Any thread: a reader took a message. */
  void taken(RealReader r) {
    flow.taken(r);
  }

  /** Any thread: wakes blocked reads, to look at the connection (its deadline) again. */
  public void wakeReaders() {
    for (RealReader r : readers.all()) {
      r.wakeIfWaiting();
    }
  }

  /** The connection has ended: blocked and asynchronous reads get what is left, then the end. */
  public void end() {
    for (RealReader r : readers.all()) {
      r.wakeIfWaiting();
      r.ended();
    }
  }

  public long messagesIn() {
    return (long) MESSAGES_IN.getOpaque(this);
  }

  public long bytesIn() {
    return (long) BYTES_IN.getOpaque(this);
  }

  public long lateReplies() {
    return lateReplies;
  }
}
