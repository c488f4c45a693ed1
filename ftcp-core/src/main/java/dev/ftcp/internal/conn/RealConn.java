package dev.ftcp.internal.conn;

import dev.ftcp.Conn;
import dev.ftcp.ConnStats;
import dev.ftcp.ConnectionClosedException;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import dev.ftcp.internal.Durations;
import dev.ftcp.internal.IoGroup;
import dev.ftcp.internal.SerialExecutor;
import dev.ftcp.internal.codec.FrameCodec;
import dev.ftcp.internal.codec.FrameDecoder;
import dev.ftcp.internal.tls.TlsHandlers;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.Timeout;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one implementation of {@link Conn}, for both sides: a client connection redials, a server
 * connection does not. See the package documentation for which thread does what; in short,
 * fields marked "event loop" are touched only on {@link #loop}, the rest are thread-safe.
 */
final class RealConn implements Conn {
  private static final Logger log = LoggerFactory.getLogger(RealConn.class);
  /** A redialed channel that lived this long proves the link works, even if nothing came in. */
  private static final long PROVEN_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  static final int OPEN = 0;
  static final int CLOSING = 1;
  static final int CLOSED = 2;
  static final int FAILED = 3;

  /** A batch is cut at this many bytes or messages: big enough to amortize, small enough to pipeline. */
  private static final int BATCH_BYTES = 32 * 1024;
  /**
   * With TLS a batch must fit one TLS record (16 KiB of plaintext) and is flushed on its own,
   * so that SslHandler never puts two batches in one record: a record reaches the peer whole
   * or not at all, so a failed batch was not delivered and resending it duplicates nothing.
   */
  private static final int TLS_BATCH_BYTES = 16 * 1024;
  private static final int BATCH_MESSAGES = 1024;
  /**
   * Messages of one read batch after which what was answered so far is handed over and sent:
   * see {@link #handOver}. Enough that a send's system call is shared by many replies; few enough
   * that a window of a few hundred requests travels in several pieces at once. On rr-256 with
   * callbacks on the I/O thread, 64 made 3.1-3.2 M requests/s, 48 3.0-3.2 M, 32 2.9-3.0 M (and
   * before the one-event-per-read decoder 128 1.9 M, 16 1.8 M): docs/BENCHMARKS.md, session 6.
   */
  static final int HAND_OVER_EVERY = 64;
  /** Timed-out request IDs remembered so that their late replies are recognized. */
  private static final int TIMED_OUT_MEMORY = 4096;
  /** A deadline that never comes: what {@link #deadlineAfter} gives for an endless timeout. */
  static final long NO_DEADLINE = Long.MAX_VALUE - 1;
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);
  private static final RealReader[] NO_READERS = new RealReader[0];

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(RealConn.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Options options;
  private final boolean client;
  private final InetSocketAddress peer;
  private final String peerName; // host:port, for messages
  final EventLoop loop;
  private final int prefix;
  private final int readerDepth;
  private final boolean tls;
  private final int batchBytes;
  private final SerialExecutor events;
  private final Bootstrap bootstrap; // client only
  private final Backoff backoff;
  private final Runnable drainTask = this::scheduledDrain;
  private final Runnable resumeTask = this::resumeCheck;
  private final Runnable onTerminated;

  // Write side.
  private final WriteRing ring;
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicLong seq = new AtomicLong();
  private final PendingWrites pending = new PendingWrites(); // event loop
  private boolean batchFailedOnChannel; // event loop

  // Read side.
  private volatile RealReader[] readers = NO_READERS; // written on the event loop
  private final ArrayDeque<Message> backlog = new ArrayDeque<>(); // event loop until terminal
  private volatile boolean readPaused;
  private final AtomicBoolean resumeScheduled = new AtomicBoolean();
  private final PendingRequests requests = new PendingRequests();
  // Timed-out request IDs, so that their late replies are recognized. Written by the thread
  // that timed out before request() throws (a task for the event loop could run after the
  // reply is read), bounded by evicting the oldest. Timeouts are rare: no hot-path cost.
  private final Set<Long> timedOut = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Long> timedOutOrder = new ConcurrentLinkedQueue<>();
  private final AtomicInteger timedOutCount = new AtomicInteger();
  private final List<PendingRequest> answeredAsync = new ArrayList<>(); // event loop
  private int sinceHandOver; // event loop: messages since the last hand-over or batch end
  // The sweep of overdue asynchronous requests (see armSweep): sweepAt is when the earliest one
  // armed is due (NO_DEADLINE: none is); sweepTimer the latest armed, cancelled at the end.
  private final AtomicLong sweepAt = new AtomicLong(NO_DEADLINE);
  private volatile Timeout sweepTimer;
  private final AtomicInteger sweepsArmed = new AtomicInteger(); // scheduled, not yet run

  // Lifecycle.
  private volatile int state = OPEN;
  private volatile Throwable terminalCause;
  private volatile Channel channel; // the ready channel; null while dialing or after the end
  private Channel connecting; // event loop: a dial attempt not yet ready
  private boolean everReady; // event loop
  private int attempts; // event loop
  private boolean unproven; // event loop: a redialed channel that has carried nothing yet
  private long readyAtNanos; // event loop
  private long failedAtNanos; // event loop
  private Throwable lastError; // event loop
  private ScheduledFuture<?> lingerTimer; // event loop
  private boolean outputShut; // event loop: close() has sent our end of stream
  private ScheduledFuture<?> redialTimer; // event loop
  final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final AtomicBoolean groupReleased = new AtomicBoolean();

  private volatile long readDeadline = Long.MAX_VALUE;
  private volatile long writeDeadline = Long.MAX_VALUE;

  // Counters: written by the event loop only (discarded also by threads that find the end).
  private volatile long messagesIn; // published from the two below once per read batch
  private volatile long bytesIn;
  private long messagesInLoop; // event loop
  private long bytesInLoop; // event loop
  private volatile long messagesOut;
  private volatile long bytesOut;
  private volatile long redials;
  private volatile long lateReplies;
  private final AtomicLong discarded = new AtomicLong();

  private RealConn(Options options, boolean client, InetSocketAddress peer, EventLoop loop,
      Runnable onTerminated) {
    this.options = options;
    this.client = client;
    this.peer = peer;
    this.peerName = ConnHandler.hostPort(peer);
    this.loop = loop;
    this.onTerminated = onTerminated;
    this.prefix = FrameCodec.prefixLength(options.bigFrames());
    this.readerDepth = options.readerBufferDepth();
    this.tls = options.tls() != null;
    this.batchBytes = tls ? TLS_BATCH_BYTES : BATCH_BYTES;
    this.ring = new WriteRing(options.writeQueueDepth());
    this.events = new SerialExecutor(options.callbackExecutor());
    this.backoff = new Backoff(options.redialBackoff(), options.maxRedialBackoff(),
        () -> ThreadLocalRandom.current().nextDouble());
    if (client) {
      this.bootstrap = new Bootstrap()
          .group(loop)
          .channel(IoGroup.socketChannel())
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.SO_KEEPALIVE, options.keepAlive())
          .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
              (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              initPipeline(ch);
            }
          });
    } else {
      this.bootstrap = null;
    }
  }

  /** A client connection; call {@link #startDial()} next, on any thread. */
  static RealConn client(Options options, InetSocketAddress address, EventLoop loop) {
    return new RealConn(options, true, address, loop, () -> {});
  }

  /**
   * A server connection over an accepted channel; call on the channel's event loop, from its
   * initializer. {@code onTerminated} runs once when the connection ends.
   */
  static RealConn server(Options options, Channel ch, Runnable onTerminated) {
    RealConn c = new RealConn(options, false, (InetSocketAddress) ch.remoteAddress(),
        ch.eventLoop(), onTerminated);
    c.connecting = ch;
    c.initPipeline(ch);
    return c;
  }

  // ---------------------------------------------------------------------------------------
  // Pipeline and channel events (event loop)

  private void initPipeline(Channel ch) {
    ChannelPipeline p = ch.pipeline();
    if (options.tls() != null) {
      p.addLast("tls", client
          ? TlsHandlers.newClientHandler(options.tls(), ch.alloc(), peer.getHostString(),
              peer.getPort())
          : TlsHandlers.newServerHandler(options.tls(), ch.alloc()));
    }
    long idle = client ? 0 : options.idleTimeout().toNanos();
    long writeTimeout = options.writeTimeout().toNanos();
    if (writeTimeout > 0) {
      p.addLast("writeTimeout",
          new IdleStateHandler(true, 0, writeTimeout, 0, TimeUnit.NANOSECONDS));
    }
    FrameDecoder decoder = new FrameDecoder(options.bigFrames(), options.maxFrameLength());
    p.addLast("frames", decoder);
    if (idle > 0) {
      // After the decoder: only whole messages count, so a peer that trickles a frame in a
      // byte at a time (a slowloris) is as idle as a silent one.
      p.addLast("idle", new IdleStateHandler(idle, 0, 0, TimeUnit.NANOSECONDS));
    }
    p.addLast("ftcp", new ConnHandler(this, decoder, options.tls() != null));
  }

  /** The channel is usable: connected, and for TLS, the handshake is done. */
  void onReady(Channel ch) {
    if (ch != connecting) {
      ch.close();
      return;
    }
    connecting = null;
    if (state >= CLOSED) {
      ch.close();
      return;
    }
    channel = ch;
    batchFailedOnChannel = false;
    if (readPaused) {
      ch.config().setAutoRead(false);
    }
    if (!everReady) {
      everReady = true;
      attempts = 0;
      events.execute(() -> options.stateListener().connected(this));
      ready.complete(null);
    } else {
      redials++;
      int n = attempts;
      events.execute(() -> options.stateListener().redialed(this, n));
      // attempts and failedAtNanos stay until this channel proves itself: see onChannelClosed.
      unproven = true;
      readyAtNanos = System.nanoTime();
    }
    lastError = null;
    drain();
    if (state == CLOSING) {
      startClose();
    }
  }

  /** A channel of this connection closed, with the failure that closed it if one is known. */
  void onChannelClosed(Channel ch, Throwable cause) {
    publishReadCounts();
    if (ch == connecting) {
      connecting = null;
      attemptFailed(cause != null ? cause
          : new ConnectionClosedException("connection to " + peerName + " closed while opening"));
      return;
    }
    if (ch != channel) {
      return;
    }
    channel = null;
    if (state == CLOSING) {
      terminate(CLOSED, null);
      return;
    }
    if (state != OPEN) {
      return;
    }
    Throwable why = cause != null ? cause
        : new ConnectionClosedException("connection closed by " + peerName);
    if (!client) {
      terminate(FAILED, why);
      return;
    }
    log.debug("connection to {} broke, redialing: {}", peerName, why.toString());
    events.execute(() -> options.stateListener().disconnected(this, why));
    lastError = why;
    if (unproven && System.nanoTime() - readyAtNanos
        < Math.min(PROVEN_AFTER_NANOS, options.maxRedialBackoff().toNanos())) {
      // A redial that connected and dropped at once, before it received anything, is part of
      // the same outage: go on with the backoff and the redialTimeout of the first failure, or
      // a server that accepts and closes at once is dialed in a tight loop, forever. "At once"
      // is short: a write-only client never receives, and on a link that works but breaks every
      // second or so, each redial must count as a success, or it gives up with a working link.
      attemptFailed(why);
      return;
    }
    failedAtNanos = System.nanoTime();
    attempts = 0;
    dialAttempt();
  }

  /** Starts the first dial of a client connection; the outcome completes {@link #ready}. */
  void startDial() {
    if (!runOnLoop(this::dialAttempt)) {
      ready.completeExceptionally(new ConnectionClosedException("ftcp is shutting down"));
    }
  }

  private void dialAttempt() {
    redialTimer = null;
    if (state == CLOSING && everReady && lingerTimer == null) {
      terminate(CLOSED, null);
      return;
    }
    if (state >= CLOSED && everReady) {
      return;
    }
    attempts++;
    ChannelFuture f = bootstrap.connect(peer);
    connecting = f.channel();
    f.addListener((ChannelFuture done) -> {
      if (!done.isSuccess() && done.channel() == connecting) {
        connecting = null;
        attemptFailed(done.cause());
      }
    });
  }

  private void attemptFailed(Throwable cause) {
    lastError = cause;
    if (!everReady) {
      ready.completeExceptionally(cause);
      terminate(FAILED, cause);
      return;
    }
    if (state == CLOSING && lingerTimer == null) {
      terminate(CLOSED, null);
      return;
    }
    if (state >= CLOSED) {
      return;
    }
    long now = System.nanoTime();
    long deadline = failedAtNanos + options.redialTimeout().toNanos();
    if (now - deadline >= 0) {
      if (state == CLOSING) {
        terminate(CLOSED, null);
        return;
      }
      log.debug("giving up on {} after {} attempts: {}", peerName, attempts, cause.toString());
      terminate(FAILED, cause);
      return;
    }
    long wait = Math.min(backoff.delayNanos(attempts), deadline - now);
    redialTimer = loop.schedule(this::dialAttempt, wait, TimeUnit.NANOSECONDS);
  }

  // ---------------------------------------------------------------------------------------
  // Write path

  @Override
  public long write(Message msg) throws IOException {
    check(msg);
    acquire("Conn.write");
    return admit(msg, msg.id());
  }

  @Override
  public long tryWrite(Message msg) throws IOException {
    check(msg);
    return tryAcquire() ? admit(msg, msg.id()) : -1;
  }

  /**
   * Queues a message for which this thread holds a ring permit. An ID of 0 takes the next of
   * the sequence only now, so that a refused write leaves no gap in it.
   */
  private long admit(Message msg, long id) {
    if (id == 0) {
      id = seq.incrementAndGet();
    }
    ring.publish(msg, id);
    scheduleDrain();
    return id;
  }

  /** Takes a ring permit if one is free, without waiting; false when the ring is full. */
  private boolean tryAcquire() throws ConnectionClosedException {
    if (state != OPEN) {
      throw closedException();
    }
    if (!ring.tryAcquire()) {
      return false;
    }
    if (state != OPEN) { // closing began meanwhile: close() may not wait for this message
      ring.release(1);
      throw closedException();
    }
    return true;
  }

  /** Queues a message whose ID is already decided (requests). */
  private void enqueue(Message msg, long id, String call) throws IOException {
    acquire(call);
    admit(msg, id);
  }

  private void check(Message msg) {
    Objects.requireNonNull(msg, "msg");
    if (msg.id() < 0 || msg.id() > Message.MAX_ID) {
      throw new IllegalArgumentException("ID " + Long.toUnsignedString(msg.id())
          + " is outside 0..2^56-1, what an 8-byte varint slot holds");
    }
    if (msg.repId() < 0 || msg.repId() > Message.MAX_ID) {
      throw new IllegalArgumentException("RepID " + Long.toUnsignedString(msg.repId())
          + " is outside 0..2^56-1, what an 8-byte varint slot holds");
    }
    if (msg.data().length > options.maxPayloadLength()) {
      throw new IllegalArgumentException("payload of " + msg.data().length
          + " bytes is longer than the " + options.maxPayloadLength()
          + " a frame can carry (maxFrameLength " + options.maxFrameLength() + " - 16)");
    }
  }

  /**
   * Takes a ring permit, parking while the ring is full. On an ftcp I/O thread (a callback run
   * by a direct callback executor) it does not park: waiting there would keep the event loop
   * from draining the ring it waits for, so a full ring throws instead.
   *
   * @param call the public call, for the error
   */
  private void acquire(String call) throws IOException {
    for (;;) {
      if (tryAcquire()) {
        return;
      }
      if (IoGroup.onIoThread()) {
        throw new IllegalStateException(call + " would wait for room in the full write queue ("
            + options.writeQueueDepth() + " messages), and it was called on the ftcp I/O thread "
            + Thread.currentThread().getName() + ", which waiting would deadlock; write from an "
            + "application thread, or keep fewer messages in flight");
      }
      long deadline = writeDeadline;
      if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0) {
        throw new FtcpTimeoutException("write deadline passed while the write queue was full ("
            + options.writeQueueDepth() + " messages)");
      }
      ring.blockedWriters().parkUntil(() -> ring.size() >= options.writeQueueDepth()
          && state == OPEN && deadline == writeDeadline, deadline, this, "room in the write queue");
    }
  }

  private void scheduleDrain() {
    if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
      if (!runOnLoop(drainTask)) {
        drainScheduled.set(false);
        discardQueued();
      }
    }
  }

  /**
   * Event loop: the drain task writers schedule. The flag stays set while it runs, so writers
   * that publish meanwhile schedule nothing (no task, no wake-up of this loop per message);
   * clearing it at the end and then looking at the ring once more picks up what they published.
   * A writer that publishes after that look finds the flag clear and schedules the next task.
   * What is found on that look is drained by a new task, so one busy connection cannot keep its
   * event loop from the others.
   */
  private void scheduledDrain() {
    try {
      drain();
    } finally {
      drainScheduled.set(false); // volatile: ordered before the look at the ring below
    }
    // Queued from the loop itself, so no wake-up; refused only while ftcp shuts down.
    if (ring.peek() != null && drainWouldProgress()
        && drainScheduled.compareAndSet(false, true) && !runOnLoop(drainTask)) {
      drainScheduled.set(false);
    }
  }

  /**
   * Event loop: whether a drain now would do something with what is in the ring: write it, or
   * discard it once the connection has ended. Otherwise whatever ends the wait drains (the
   * channel becoming ready or writable again).
   */
  private boolean drainWouldProgress() {
    if (state >= CLOSED) {
      return true;
    }
    Channel ch = channel;
    return ch != null && mayWriteOn(ch);
  }

  /**
   * Event loop: whether a batch may be written on {@code ch} now. Not after a write on it failed
   * (the channel is broken and being closed, see batchDone: writing on would fail at once again,
   * and forever if the channel still looks writable), nor once close() has ended our direction.
   */
  private boolean mayWriteOn(Channel ch) {
    return !batchFailedOnChannel && !outputShut && ch.isWritable();
  }

  /**
   * Event loop: moves queued messages to the socket in batches, one flush at the end. Also
   * called when the channel is ready or has room again.
   */
  void drain() {
    if (state >= CLOSED) {
      discardQueued();
      return;
    }
    Channel ch = channel;
    if (ch == null) {
      return; // dialing: the ring keeps what was written
    }
    boolean wrote = false;
    // Taken from the ring in this drain. Their permits go back once, after the flush hands the
    // batches to the socket: a writer parked on a full queue then wakes once per drain instead
    // of once per batch (a batch is about 30 messages of 1 KiB, and a writer faster than the
    // socket would wake, refill that much and park again for each one).
    int taken = 0;
    try {
      while (mayWriteOn(ch)) {
        int start = pending.written();
        int count = 0;
        int bytes = 0;
        int unwritten = pending.unwritten();
        while (count < unwritten && count < BATCH_MESSAGES) {
          int size = FrameCodec.frameSize(pending.message(start + count).data().length, prefix);
          if (count > 0 && bytes + size > batchBytes) {
            break;
          }
          bytes += size;
          count++;
        }
        if (count == unwritten) {
          while (count < BATCH_MESSAGES) {
            Message m = ring.peek();
            if (m == null) {
              break;
            }
            int size = FrameCodec.frameSize(m.data().length, prefix);
            if (count > 0 && bytes + size > batchBytes) {
              break;
            }
            pending.add(m, ring.peekId());
            ring.advance();
            taken++;
            count++;
            bytes += size;
          }
        }
        if (count == 0) {
          break;
        }
        ByteBuf buf = ch.alloc().ioBuffer(bytes);
        for (int k = 0; k < count; k++) {
          Message m = pending.message(start + k);
          FrameCodec.encode(buf, pending.id(start + k), m.repId(), m.data(), prefix);
        }
        pending.markWritten(count);
        ch.write(buf, ch.newProgressivePromise().addListener(new Batch(ch, count, bytes)));
        if (tls) {
          // One TLS record per batch: see batchBytes.
          ch.flush();
        } else {
          wrote = true;
        }
      }
      if (wrote) {
        ch.flush();
      }
    } finally {
      ring.release(taken);
    }
    if (state == CLOSING) {
      maybeFinishClose();
    }
  }

  /** A batch written as one buffer; its promise tells how far the kernel took it. */
  private final class Batch implements ChannelProgressiveFutureListener {
    private final Channel ch;
    private final int count;
    private final int bytes;
    private long progress;
    private Throwable cause;

    Batch(Channel ch, int count, int bytes) {
      this.ch = ch;
      this.count = count;
      this.bytes = bytes;
    }

    @Override
    public void operationProgressed(ChannelProgressiveFuture f, long progress, long total) {
      this.progress = progress;
    }

    @Override
    public void operationComplete(ChannelProgressiveFuture f) {
      cause = f.cause();
      batchDone(this, f.isSuccess());
    }
  }

  private void batchDone(Batch b, boolean ok) {
    if (ok) {
      pending.confirm(b.count);
      messagesOut += b.count;
      bytesOut += b.bytes;
    } else {
      // Frames the kernel took whole before the link broke count as sent (TCP may still lose
      // them); the rest, starting with a frame cut in the middle, go again after a redial.
      // Only the oldest failed batch can have progress, and it is the oldest in pending.
      int sent = 0;
      long sentBytes = 0;
      if (!batchFailedOnChannel && b.progress > 0) {
        for (int k = 0; k < b.count; k++) {
          long size = FrameCodec.frameSize(pending.message(k).data().length, prefix);
          if (sentBytes + size > b.progress) {
            break;
          }
          sentBytes += size;
          sent++;
        }
        pending.confirm(sent);
        messagesOut += sent;
        bytesOut += sentBytes;
      }
      batchFailedOnChannel = true;
      pending.unmarkWritten(b.count - sent);
      if (b.ch.isOpen()) {
        // Usually the channel is closing already; if not (an SSLEngine that refuses to write),
        // closing it is what turns this failure into a redial instead of a stuck connection.
        log.debug("a write to {} failed, closing the channel: {}", peerName, String.valueOf(b.cause));
        b.ch.close();
      }
    }
    if (state == CLOSING) {
      maybeFinishClose();
    }
  }

  private void discardQueued() {
    int n = ring.discardAll();
    if (n > 0) {
      discarded.addAndGet(n);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Read path (event loop unless noted)

  void onMessage(Message m) {
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
  private void handOver() {
    sinceHandOver = 0;
    completeAnswered();
    for (RealReader r : readers) {
      r.handOverAsync();
    }
    if (drainScheduled.get()) {
      drain(); // the task stays queued and finds less to do
    }
  }

  private void deliver(Message m) {
    messagesInLoop++;
    unproven = false;
    bytesInLoop += FrameCodec.frameSize(m.data().length, prefix);
    if (outputShut && readPaused) {
      // close() reads on only to see the peer's end of stream: with a buffer full, keep
      // nothing more, or a flooding peer could fill memory for as long as closeLinger.
      return;
    }
    long repId = m.repId();
    boolean answered = false;
    boolean late = false;
    if (repId != 0) {
      PendingRequest p = requests.remove(repId);
      if (p != null) {
        answered = true;
        answer(p, m);
      } else {
        late = !timedOut.isEmpty() && timedOut.remove(repId);
      }
    }
    RealReader[] rs = readers;
    boolean delivered = false;
    for (RealReader r : rs) {
      if (!r.isClosed()) {
        delivered = true;
        if (r.offer(m) >= readerDepth) {
          pauseReading();
        }
      }
    }
    if (delivered || answered) {
      return;
    }
    if (late) {
      lateReplies++;
      return;
    }
    backlog.add(m);
    if (backlog.size() >= readerDepth) {
      pauseReading();
    }
  }

  private void answer(PendingRequest p, Message m) {
    if (p.async) {
      p.reply = m;
      answeredAsync.add(p);
    } else {
      p.complete(m);
    }
  }

  /** The end of one socket read: wake readers and hand async replies over, once per batch. */
  void onReadComplete() {
    sinceHandOver = 0;
    publishReadCounts();
    for (RealReader r : readers) {
      r.batchDone();
    }
    completeAnswered();
    if (readPaused) {
      resumeCheck(); // a reader may have drained while this batch filled it: see taken()
    }
  }

  /** Completes the asynchronous requests answered since the last call, in one callback task. */
  private void completeAnswered() {
    if (!answeredAsync.isEmpty()) {
      PendingRequest[] done = answeredAsync.toArray(new PendingRequest[0]);
      answeredAsync.clear();
      options.callbackExecutor().execute(() -> {
        for (PendingRequest p : done) {
          p.complete(p.reply);
        }
      });
    }
  }

  /** Publishes the counts of what was read, once per read batch rather than per message. */
  private void publishReadCounts() {
    if (messagesIn != messagesInLoop) {
      messagesIn = messagesInLoop;
      bytesIn = bytesInLoop;
    }
  }

  private void pauseReading() {
    if (!readPaused) {
      readPaused = true;
      Channel ch = channel;
      if (ch != null) {
        ch.config().setAutoRead(false);
      }
    }
  }

  /** Any thread: a reader took a message; resumes socket reads once it is half empty. */
  void taken(RealReader r) {
    if (readPaused && !resumeScheduled.get() && r.size() <= readerDepth / 2
        && resumeScheduled.compareAndSet(false, true)) {
      if (!runOnLoop(resumeTask)) {
        resumeScheduled.set(false);
      }
    }
  }

  private void resumeCheck() {
    resumeScheduled.set(false);
    if (!readPaused) {
      return;
    }
    for (RealReader r : readers) {
      if (!r.isClosed() && r.size() >= readerDepth) {
        return;
      }
    }
    if (backlog.size() >= readerDepth) {
      return;
    }
    readPaused = false;
    Channel ch = channel;
    if (ch != null) {
      ch.config().setAutoRead(true);
    }
  }

  /**
   * Registers the reader on the event loop before returning, so that every message the event
   * loop handles after this call returns reaches the reader: a peer's reply to anything sent
   * after {@code reader()} cannot slip past it into the backlog.
   */
  @Override
  public Reader reader() {
    RealReader r = new RealReader(this);
    if (isTerminal() || loop.inEventLoop()) {
      addReader(r);
    } else if (IoGroup.onIoThread()) {
      // Another event loop (a direct callback executor): waiting could deadlock two loops.
      if (!runOnLoop(() -> addReader(r))) {
        addReader(r);
      }
    } else {
      try {
        loop.submit(() -> addReader(r)).awaitUninterruptibly();
      } catch (RejectedExecutionException e) {
        addReader(r); // the loop is gone, so the connection has ended
      }
    }
    return r;
  }

  /** Event loop, or any thread once terminal (then the event loop no longer touches these). */
  private void addReader(RealReader r) {
    synchronized (backlog) {
      if (r.isClosed()) {
        return;
      }
      RealReader[] rs = readers;
      RealReader[] more = Arrays.copyOf(rs, rs.length + 1);
      more[rs.length] = r;
      readers = more;
      Message m;
      while ((m = backlog.poll()) != null) {
        r.offer(m);
      }
    }
    r.batchDone();
    if (readPaused && !isTerminal()) {
      resumeCheck();
    }
  }

  /** Any thread. */
  void readerClosed(RealReader r) {
    Runnable remove = () -> {
      synchronized (backlog) {
        RealReader[] rs = readers;
        int i = Arrays.asList(rs).indexOf(r);
        if (i >= 0) {
          RealReader[] fewer = new RealReader[rs.length - 1];
          System.arraycopy(rs, 0, fewer, 0, i);
          System.arraycopy(rs, i + 1, fewer, i, rs.length - i - 1);
          readers = fewer;
        }
      }
      r.ended();
      if (readPaused && !isTerminal()) {
        resumeCheck();
      }
    };
    if (isTerminal() || !runOnLoop(remove)) {
      remove.run();
    }
  }

  // ---------------------------------------------------------------------------------------
  // Requests

  @Override
  public Message request(Message msg, Duration timeout) throws IOException {
    Objects.requireNonNull(timeout, "timeout");
    IoGroup.checkMayBlock("Conn.request");
    PendingRequest p = send(msg, false, timeout, "Conn.request");
    try {
      return p.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      if (requests.remove(p)) {
        rememberTimedOut(p.id);
        throw p.timedOut();
      }
      return join(p); // the reply won the race; it is being completed now
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } catch (InterruptedException e) {
      requests.remove(p);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a reply");
    }
  }

  @Override
  public CompletableFuture<Message> requestAsync(Message msg, Duration timeout)
      throws IOException {
    Objects.requireNonNull(timeout, "timeout");
    PendingRequest p = send(msg, true, timeout, "Conn.requestAsync");
    if (p.deadline != NO_DEADLINE && !armSweep(p.deadline)) {
      failRequest(p); // the connection ended meanwhile, and with it the timer
    }
    return p;
  }

  /**
   * Makes sure a sweep of this connection's asynchronous requests runs no later than
   * {@code deadline} (a {@link System#nanoTime()} value). Requests with one timeout arrive in
   * deadline order, so the sweep already due at or before the new deadline usually serves: the
   * common case is one volatile read, and a connection has one wheel timeout at a time instead
   * of one per request. False when the timer is gone (every connection has ended).
   */
  private boolean armSweep(long deadline) {
    for (;;) {
      long at = sweepAt.get();
      if (at != NO_DEADLINE && at - deadline <= 0) {
        return true;
      }
      if (sweepAt.compareAndSet(at, deadline)) {
        sweepsArmed.incrementAndGet();
        Timeout t = IoGroup.schedule(timeout -> sweep(deadline),
            Math.max(0, deadline - System.nanoTime()));
        if (t == null) {
          sweepsArmed.decrementAndGet();
          return false;
        }
        sweepTimer = t;
        return true;
      }
    }
  }

  /**
   * Timer thread: the sweep armed for {@code armedAt}. Fails the asynchronous requests whose
   * deadline has passed, then arms the next sweep for the earliest deadline left. It clears
   * {@link #sweepAt} only if it is still the sweep that value names, and before scanning, so
   * that a request registered during the scan either is seen by it or arms a sweep of its own;
   * a sweep that an earlier one superseded scans too, and its re-arming is absorbed by the one
   * armed already, so sweeps never pile up. The scan is over the requests in flight, once per
   * deadline reached; the wheel runs a sweep at its next tick at the soonest, so at most once
   * per tick, and a timeout fires at most a tick late.
   */
  private void sweep(long armedAt) {
    sweepsArmed.decrementAndGet();
    sweepAt.compareAndSet(armedAt, NO_DEADLINE);
    List<PendingRequest> overdue = new ArrayList<>();
    long next = requests.removeOverdue(System.nanoTime(), overdue);
    for (PendingRequest p : overdue) {
      rememberTimedOut(p.id);
      FtcpTimeoutException e = p.timedOut();
      options.callbackExecutor().execute(() -> p.completeExceptionally(e));
    }
    if (next != NO_DEADLINE && !isTerminal()) {
      armSweep(next); // due in under a tick: the wheel runs it at the next tick, not sooner
    }
  }

  private PendingRequest send(Message msg, boolean async, Duration timeout, String call)
      throws IOException {
    check(msg);
    long id = msg.id() != 0 ? msg.id() : seq.incrementAndGet();
    PendingRequest p = new PendingRequest(id, async, timeout);
    if (!requests.add(p)) {
      throw new IllegalStateException("a request with ID " + id + " is already in flight");
    }
    try {
      enqueue(msg, id, call);
    } catch (IOException | RuntimeException e) {
      requests.remove(p);
      throw e;
    }
    if (isTerminal()) {
      failRequest(p); // the end's sweep may have run before this request was registered
    }
    return p;
  }

  private void rememberTimedOut(long id) {
    if (timedOut.add(id)) {
      timedOutOrder.add(id);
      if (timedOutCount.incrementAndGet() > TIMED_OUT_MEMORY) {
        Long oldest = timedOutOrder.poll();
        if (oldest != null) {
          timedOut.remove(oldest);
          timedOutCount.decrementAndGet();
        }
      }
    }
  }

  private void failRequest(PendingRequest p) {
    if (requests.remove(p)) {
      failRemoved(p);
    }
  }

  /** Fails a request this thread removed from {@link #requests}, so owns, with the end's cause. */
  private void failRemoved(PendingRequest p) {
    ConnectionClosedException e = closedException();
    if (p.async) {
      options.callbackExecutor().execute(() -> p.completeExceptionally(e));
    } else {
      p.completeExceptionally(e);
    }
  }

  private static Message join(CompletableFuture<Message> f) throws IOException {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw rethrow(e.getCause());
    }
  }

  private static IOException rethrow(Throwable t) {
    if (t instanceof IOException) {
      return (IOException) t;
    }
    if (t instanceof RuntimeException) {
      throw (RuntimeException) t;
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
    return new IOException(t);
  }

  // ---------------------------------------------------------------------------------------
  // Deadlines

  static long deadlineAfter(Duration timeout) {
    long now = System.nanoTime();
    long n = timeout.isNegative() ? 0 : saturatedNanos(timeout);
    long d = now + n;
    return (n == Long.MAX_VALUE || d - now < 0 || d >= NO_DEADLINE) ? NO_DEADLINE : d;
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long deadlineAt(Instant t) {
    if (t == null) {
      return Long.MAX_VALUE;
    }
    return deadlineAfter(Duration.between(Instant.now(), t));
  }

  long readDeadlineNanos() {
    return readDeadline;
  }

  @Override
  public void setDeadline(Instant deadline) {
    setReadDeadline(deadline);
    setWriteDeadline(deadline);
  }

  @Override
  public void setReadDeadline(Instant deadline) {
    readDeadline = deadlineAt(deadline);
    for (RealReader r : readers) {
      r.wakeIfWaiting();
    }
  }

  @Override
  public void setWriteDeadline(Instant deadline) {
    writeDeadline = deadlineAt(deadline);
    ring.blockedWriters().wakeAll();
  }

  // ---------------------------------------------------------------------------------------
  // Closing and the end

  @Override
  public void close() {
    if (STATE.compareAndSet(this, OPEN, CLOSING)) {
      ring.blockedWriters().wakeAll();
      if (!runOnLoop(this::startClose)) {
        terminate(CLOSED, null);
      }
    }
    if (!IoGroup.onIoThread()) {
      try {
        terminated.get(options.closeLinger().toMillis() + 5_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        log.warn("closing the connection to {} took longer than expected", peerName);
      }
    }
  }

  private void startClose() {
    if (state != CLOSING) {
      return;
    }
    if (channel == null) {
      if (client && everReady && (ring.size() > 0 || !pending.isEmpty())) {
        // Redialing with messages queued: go on for up to closeLinger, so that they can still
        // be sent (onReady drains them, then closes).
        if (lingerTimer == null) {
          lingerTimer = loop.schedule(this::forceClose, options.closeLinger().toNanos(),
              TimeUnit.NANOSECONDS);
        }
        return;
      }
      // Nothing queued, or a server connection still in its TLS handshake.
      if (connecting != null) {
        connecting.close();
      }
      terminate(CLOSED, null);
      return;
    }
    drain();
    if (state == CLOSING && lingerTimer == null) {
      lingerTimer = loop.schedule(this::forceClose, options.closeLinger().toNanos(),
          TimeUnit.NANOSECONDS);
    }
  }

  private void maybeFinishClose() {
    if (ring.size() == 0 && pending.isEmpty()) {
      shutdownOutput();
    }
  }

  /**
   * Everything queued has been taken by the kernel: end our direction of the stream (after
   * close_notify under TLS) and keep reading until the peer ends its own, or until
   * closeLinger. Closing outright instead would send a reset whenever a reply is in flight
   * towards us, and a reset makes the peer's kernel drop what its application had not read
   * yet: the last messages we sent.
   */
  private void shutdownOutput() {
    Channel ch = channel;
    if (ch == null) {
      if (state == CLOSING) {
        terminate(CLOSED, null);
      }
      return;
    }
    if (outputShut) {
      return;
    }
    outputShut = true;
    if (!(ch instanceof DuplexChannel)) {
      ch.close();
      return;
    }
    if (!ch.config().isAutoRead()) {
      ch.config().setAutoRead(true); // the peer's end of stream must be read to be seen
    }
    SslHandler ssl = ch.pipeline().get(SslHandler.class);
    ChannelFuture notified = ssl != null ? ssl.closeOutbound() : ch.newSucceededFuture();
    notified.addListener(f -> ((DuplexChannel) ch).shutdownOutput().addListener(done -> {
      if (!done.isSuccess()) {
        ch.close();
      }
    }));
  }

  private void forceClose() {
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    } else if (state == CLOSING) {
      if (connecting != null) {
        connecting.close(); // the linger ended while redialing
      }
      terminate(CLOSED, null);
    }
  }

  /** Event loop (or any thread when the loop is gone): the connection ends for good. */
  private void terminate(int endState, Throwable cause) {
    int s = state;
    if (s >= CLOSED) {
      return;
    }
    terminalCause = cause;
    state = endState;
    channel = null;
    if (lingerTimer != null) {
      lingerTimer.cancel(false);
    }
    if (redialTimer != null) {
      redialTimer.cancel(false);
    }
    Timeout sweeping = sweepTimer;
    if (sweeping != null) {
      sweeping.cancel(); // the requests it would look at are failed just below
    }
    int dropped = pending.clear();
    if (dropped > 0) {
      discarded.addAndGet(dropped);
    }
    discardQueued();
    for (PendingRequest p : requests.removeAll()) {
      failRemoved(p);
    }
    ring.blockedWriters().wakeAll();
    for (RealReader r : readers) {
      r.wakeIfWaiting();
      r.ended();
    }
    if (everReady || !client) {
      if (endState == CLOSED) {
        events.execute(() -> options.stateListener().closed(this));
      } else if (client) {
        events.execute(() -> options.stateListener().gaveUp(this, cause));
      }
    }
    terminated.complete(null);
    onTerminated.run();
    if (groupReleased.compareAndSet(false, true)) {
      IoGroup.release();
    }
  }

  boolean isTerminal() {
    return state >= CLOSED;
  }

  ConnectionClosedException closedException() {
    Throwable cause = terminalCause;
    int s = state;
    if (s == OPEN || s == CLOSING || s == CLOSED) {
      return new ConnectionClosedException("connection to " + peerName + " is closed");
    }
    if (client && everReady) {
      return new ConnectionClosedException("connection to " + peerName + " gave up redialing after "
          + Durations.human(options.redialTimeout()) + (cause != null ? ": " + cause.getMessage() : ""), cause);
    }
    return new ConnectionClosedException("connection to " + peerName + " failed"
        + (cause != null ? ": " + cause.getMessage() : ""), cause);
  }

  /** Runs a task on the event loop; false when the loop no longer takes tasks. */
  /** Event loop: whether socket reads are paused because a buffer is full. */
  boolean readingPaused() {
    return readPaused;
  }

  boolean inLoop() {
    return loop.inEventLoop();
  }

  boolean runOnLoop(Runnable task) {
    try {
      loop.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  CompletableFuture<Void> terminated() {
    return terminated;
  }

  /** Sweeps of overdue requests scheduled and not yet run (for tests). */
  int sweepsArmed() {
    return sweepsArmed.get();
  }

  // ---------------------------------------------------------------------------------------
  // Observers

  @Override
  public InetSocketAddress localAddress() {
    Channel ch = channel;
    return ch == null ? null : (InetSocketAddress) ch.localAddress();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    Channel ch = channel;
    if (ch != null && ch.remoteAddress() != null) {
      return (InetSocketAddress) ch.remoteAddress();
    }
    return peer;
  }

  @Override
  public ConnStats stats() {
    return new ConnStats(messagesIn, bytesIn, messagesOut, bytesOut, redials, ring.size(),
        lateReplies, discarded.get());
  }

  @Override
  public boolean isOpen() {
    return state == OPEN;
  }

  @Override
  public String toString() {
    return (client ? "Conn[client to " : "Conn[server from ") + peerName + ", "
        + new String[] {"open", "closing", "closed", "failed"}[state] + "]";
  }
}
