package dev.ftcp.internal.conn;

import dev.ftcp.Conn;
import dev.ftcp.ConnStateListener;
import dev.ftcp.ConnStats;
import dev.ftcp.ConnectionClosedException;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import dev.ftcp.internal.Durations;
import dev.ftcp.internal.IoGroup;
import dev.ftcp.internal.SerialExecutor;
import dev.ftcp.internal.VarHandles;
import dev.ftcp.internal.conn.read.Inbound;
import dev.ftcp.internal.conn.request.Requests;
import dev.ftcp.internal.conn.write.BatchWriter;
import dev.ftcp.internal.conn.write.WriteQueue;
import dev.ftcp.internal.time.Clock;
import dev.ftcp.internal.time.SystemClock;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one implementation of {@link Conn}, for both sides: the public calls, the connection's
 * state (open, closing, closed, failed), its end and the state events. The work is done by one
 * part per concern: the link, which channel carries the connection ({@link ConnLink}); the
 * write path ({@link WriteQueue}, {@link BatchWriter}); the read path ({@link Inbound});
 * requests ({@link Requests}); dialing and redial ({@link ClientDialing}, clients only); the
 * close sequence ({@link CloseSequence}); a resumable session ({@link ResumableSession}). See
 * docs/ARCHITECTURE.md for which thread does what; in short, fields marked "event loop" are
 * touched only on {@link #loop}, the rest are thread-safe.
 */
final class RealConn implements Conn {
  private static final Logger log = LoggerFactory.getLogger(RealConn.class);

  static final int OPEN = 0;
  static final int CLOSING = 1;
  static final int CLOSED = 2;
  static final int FAILED = 3;
  private static final String[] STATE_NAMES = {"open", "closing", "closed", "failed"};

  private static final CompletableFuture<Void> READY = CompletableFuture.completedFuture(null);
  private static final VarHandle STATE =
      VarHandles.field(MethodHandles.lookup(), "state", int.class);
  private static final VarHandle GROUP_RELEASED =
      VarHandles.field(MethodHandles.lookup(), "groupReleased", boolean.class);
  private static final VarHandle CLOSER =
      VarHandles.field(MethodHandles.lookup(), "closer", CloseSequence.class);
  private static final VarHandle EVENTS =
      VarHandles.field(MethodHandles.lookup(), "events", SerialExecutor.class);
  private static final VarHandle REQUESTS =
      VarHandles.field(MethodHandles.lookup(), "requests", Requests.class);
  private static final VarHandle DEADLINES =
      VarHandles.field(MethodHandles.lookup(), "deadlines", IoDeadlines.class);

  final Options options;
  private final boolean client;
  private volatile InetSocketAddress peer; // a client's: the server dialed last
  final EventLoop loop;
  private volatile SerialExecutor events; // made by the first state event
  private final Runnable onTerminated;

  private final ConnView view;
  private final WriteQueue queue;
  private final BatchWriter writer;
  private volatile Requests requests; // made by the first request
  private final Inbound inbound;
  private final ClientDialing dialing; // client only
  private volatile CloseSequence closer; // made when the connection starts closing
  private final Clock clock;
  private ResumableSession session; // null unless resumable; set before the first channel

  private volatile int state = OPEN;
  private volatile Throwable terminalCause;
  private final ConnLink link;
  // Completed when the connection is first usable (or failed when it never is); once completed
  // normally it is replaced by READY, one shared completed future, so that an open connection
  // does not hold its own (see readyDone).
  volatile CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private volatile boolean groupReleased;

  private volatile IoDeadlines deadlines = IoDeadlines.NONE; // replaced at the first set

  private RealConn(Options options, boolean client, List<InetSocketAddress> peers, EventLoop loop,
      Clock clock, Runnable onTerminated) {
    InetSocketAddress peer = peers.get(0);
    this.options = options;
    this.client = client;
    this.peer = peer;
    this.loop = loop;
    this.onTerminated = onTerminated;
    this.link = new ConnLink(this, client);
    this.view = new ConnView(this, loop, options.callbackExecutor());
    this.queue = new WriteQueue(options, view);
    this.writer = queue.writer();
    this.inbound = new Inbound(view, null, writer, options.bigFrames(),
        options.readerBufferDepth());
    this.dialing = client ? new ClientDialing(this, options, loop, peers, clock) : null;
    this.clock = clock;
    if (client && options.resumable()) {
      useSession(ResumableSession.client(this, writer, clock, options.bigFrames()));
    }
  }

  private void useSession(ResumableSession s) {
    session = s;
    inbound.session(s);
  }

  /**
   * A client connection to the first of {@code addresses} that answers, moving on to the next
   * when a link breaks; call {@link #startDial()} next, on any thread.
   */
  static RealConn client(Options options, List<InetSocketAddress> addresses, EventLoop loop) {
    return new RealConn(options, true, addresses, loop, SystemClock.INSTANCE, () -> {});
  }

  /**
   * A server connection over an accepted channel; call on the channel's event loop, from its
   * initializer. {@code onTerminated} runs once when the connection ends.
   */
  static RealConn server(Options options, Channel ch, Runnable onTerminated) {
    RealConn c = new RealConn(options, false, List.of((InetSocketAddress) ch.remoteAddress()),
        ch.eventLoop(), SystemClock.INSTANCE, onTerminated);
    c.link.opening(ch);
    Pipelines.init(ch, options, false, c.peer, c.link);
    return c;
  }

  /**
   * A server connection that begins a resumable session over {@code ch}, whose HELLO was just
   * read; call on the channel's event loop. {@code lost} when the client offered a session the
   * server does not have; {@code identity} is the client's certificate, or null.
   */
  static RealConn serverSession(Options options, Channel ch, Runnable onTerminated,
      byte[] identity, boolean lost) {
    RealConn c = new RealConn(options, false, List.of((InetSocketAddress) ch.remoteAddress()),
        ch.eventLoop(), SystemClock.INSTANCE, onTerminated);
    c.useSession(ResumableSession.server(c, c.writer, c.clock, options.bigFrames(), identity));
    c.link.opening(ch);
    ch.pipeline().get(ConnHandler.class).retarget(c.link);
    c.session.welcomeNew(ch, lost);
    c.link.onReady(ch);
    return c;
  }

  /** The resumable session, or null. */
  ResumableSession session() {
    return session;
  }

  /** Event loop, closing: a resumable client tells its server the session is over. */
  void sayBye(Channel ch) {
    if (client && session != null) {
      session.bye(ch);
      ch.flush();
    }
  }

  /** Tells the state listener of an event, in order with the others; nothing without one. */
  void tell(BiConsumer<ConnStateListener, Conn> event) {
    if (options.stateListener() != ConnStateListener.NONE) {
      SerialExecutor e = events;
      if (e == null) {
        SerialExecutor fresh = new SerialExecutor(options.callbackExecutor());
        e = (SerialExecutor) EVENTS.compareAndExchange(this, null, fresh);
        if (e == null) {
          e = fresh;
        }
      }
      e.execute(() -> event.accept(options.stateListener(), this));
    }
  }

  /** Starts the first dial of a client connection; the outcome completes {@link #ready}. */
  void startDial() {
    dialing.start();
  }

  /** The first dial, or a server connection's TLS handshake, failed: the connection fails. */
  void firstDialFailed(Throwable cause) {
    ready.completeExceptionally(cause);
    terminate(FAILED, cause);
  }

  boolean everReady() {
    return link.everReady();
  }

  ConnLink link() {
    return link;
  }

  boolean isClient() {
    return client;
  }

  Inbound inbound() {
    return inbound;
  }

  ClientDialing dialing() {
    return dialing;
  }

  /** The close sequence, made by the first call (closing is when a connection needs one). */
  CloseSequence closer() {
    CloseSequence c = closer;
    if (c == null) {
      CloseSequence fresh = new CloseSequence(this, clock, options.closeLinger().toNanos());
      c = (CloseSequence) CLOSER.compareAndExchange(this, null, fresh);
      if (c == null) {
        c = fresh;
      }
    }
    return c;
  }

  boolean lingering() {
    CloseSequence c = closer;
    return c != null && c.lingering();
  }

  /**
   * The connection's requests, made by the first call (a connection that never requests holds
   * none). Whichever thread made it, the reading side matches replies with it before any
   * request is sent; one made after the end fails what is sent with it, as a request sent at
   * the end does.
   */
  private Requests requests() {
    Requests r = requests;
    if (r == null) {
      Requests fresh = new Requests(clock, options.callbackExecutor(), queue, view);
      r = (Requests) REQUESTS.compareAndExchange(this, null, fresh);
      if (r == null) {
        r = fresh;
      }
      inbound.useRequests(r);
      if (ended()) {
        r.endAll(closedException());
      }
    }
    return r;
  }

  /** Event loop: the connection is usable for the first time. */
  void readyDone() {
    CompletableFuture<Void> first = ready;
    ready = READY; // whoever holds the first one sees it completed below
    first.complete(null);
  }

  /** "host:port" of the peer, for messages. */
  String peerName() {
    return ConnHandler.hostPort(peer);
  }

  /** Client, event loop: the server the next dial attempt goes to. */
  void target(InetSocketAddress address) {
    peer = address;
  }

  /** The server a client dials, or a server connection's client. */
  InetSocketAddress peer() {
    return peer;
  }

  @Override
  public long write(Message msg) throws IOException {
    return queue.write(msg);
  }

  @Override
  public long tryWrite(Message msg) throws IOException {
    return queue.tryWrite(msg);
  }

  @Override
  public Reader reader() {
    return inbound.newReader();
  }

  @Override
  public Message request(Message msg, Duration timeout) throws IOException {
    return requests().request(msg, timeout);
  }

  @Override
  public CompletableFuture<Message> requestAsync(Message msg, Duration timeout)
      throws IOException {
    return requests().requestAsync(msg, timeout);
  }

  @Override
  public void setDeadline(Instant deadline) {
    setReadDeadline(deadline);
    setWriteDeadline(deadline);
  }

  @Override
  public void setReadDeadline(Instant deadline) {
    settableDeadlines().setRead(deadline);
    inbound.wakeReaders(); // to measure themselves against the new deadline
  }

  @Override
  public void setWriteDeadline(Instant deadline) {
    settableDeadlines().setWrite(deadline);
    queue.wakeBlockedWriters();
  }

  private IoDeadlines settableDeadlines() {
    IoDeadlines d = deadlines;
    if (d == IoDeadlines.NONE) {
      IoDeadlines fresh = new IoDeadlines();
      d = (IoDeadlines) DEADLINES.compareAndExchange(this, IoDeadlines.NONE, fresh);
      if (d == IoDeadlines.NONE) {
        d = fresh;
      }
    }
    return d;
  }

  @Override
  public void close() {
    if (STATE.compareAndSet(this, OPEN, CLOSING)) {
      queue.wakeBlockedWriters();
      if (!runOnLoop(closer()::start)) {
        terminate(CLOSED, null);
      }
    }
    if (!IoGroup.onIoThread()) {
      try {
        terminated.get(options.closeLinger().toMillis() + 5_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        log.warn("closing the connection to {} took longer than expected", peerName());
      }
    }
  }

  boolean isClosing() {
    return state == CLOSING;
  }

  /** Event loop: whether a client is between channels with messages still to send. */
  boolean redialsWithQueue() {
    return client && link.everReady() && !writer.isIdle();
  }

  /** Event loop: closes a channel that is still opening (a dial, a server's TLS handshake). */
  void abandonDial() {
    link.abandonOpening();
  }

  BatchWriter writer() {
    return writer;
  }

  /** The ready channel; null while dialing or after the end. */
  Channel channel() {
    return link.channel();
  }

  boolean ended() {
    return state >= CLOSED;
  }

  IoDeadlines deadlines() {
    return deadlines;
  }

  /** Event loop: after a drain or a batch's outcome. */
  void afterWrite() {
    if (state == CLOSING) {
      closer().afterWrite();
    }
  }

  boolean outputShut() {
    CloseSequence c = closer;
    return c != null && c.outputShut();
  }

  /** Event loop (or any thread when the loop is gone): the connection ends for good. */
  void terminate(int endState, Throwable cause) {
    int s = state;
    if (s >= CLOSED) {
      return;
    }
    terminalCause = cause;
    state = endState;
    link.ended();
    CloseSequence closing = closer;
    if (closing != null) {
      closing.cancel();
    }
    if (session != null) {
      session.cancelTimer();
    }
    if (dialing != null) {
      dialing.cancel();
    }
    writer.discardAll();
    Requests rs = requests;
    if (rs != null) {
      rs.endAll(closedException());
    }
    queue.wakeBlockedWriters();
    inbound.end();
    if (link.everReady()) {
      if (endState == CLOSED || !client) {
        tell(ConnStateListener::closed);
      } else {
        tell((l, c) -> l.gaveUp(c, cause));
      }
    }
    terminated.complete(null);
    onTerminated.run();
    if (GROUP_RELEASED.compareAndSet(this, false, true)) {
      IoGroup.release();
    }
  }

  /** The exception calls get once the connection no longer takes them, with its cause. */
  ConnectionClosedException closedException() {
    Throwable cause = terminalCause;
    int s = state;
    if (s == OPEN || s == CLOSING || s == CLOSED) {
      return new ConnectionClosedException("connection to " + peerName() + " is closed");
    }
    if (client && link.everReady()) {
      return new ConnectionClosedException("connection to " + peerName() + " gave up redialing after "
          + Durations.human(options.redialTimeout()) + (cause != null ? ": " + cause.getMessage() : ""), cause);
    }
    return new ConnectionClosedException("connection to " + peerName() + " failed"
        + (cause != null ? ": " + cause.getMessage() : ""), cause);
  }

  /** Runs a task on the event loop; false when the loop takes no more tasks. */
  boolean runOnLoop(Runnable task) {
    return view.runOnLoop(task);
  }

  CompletableFuture<Void> terminated() {
    return terminated;
  }

  @Override
  public InetSocketAddress localAddress() {
    Channel ch = link.channel();
    return ch == null ? null : (InetSocketAddress) ch.localAddress();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    Channel ch = link.channel();
    if (ch != null && ch.remoteAddress() != null) {
      return (InetSocketAddress) ch.remoteAddress();
    }
    return peer;
  }

  @Override
  public ConnStats stats() {
    return new ConnStats(inbound.messagesIn(), inbound.bytesIn(), writer.messagesOut(),
        writer.bytesOut(), link.redials(), queue.size(), inbound.lateReplies(), writer.discarded(),
        session != null ? session.resumes() : 0, writer.resent());
  }

  @Override
  public boolean isOpen() {
    return state == OPEN;
  }

  @Override
  public String toString() {
    return (client ? "Conn[client to " : "Conn[server from ") + peerName() + ", "
        + STATE_NAMES[state] + "]";
  }
}
