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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one implementation of {@link Conn}, for both sides: the public calls, the connection's
 * state (open, closing, closed, failed), its current channel and the state events. The work is
 * done by one part per concern: the write path ({@link WriteQueue}, {@link BatchWriter}), the
 * read path ({@link Inbound}), requests ({@link Requests}), dialing and redial
 * ({@link ClientDialing}, clients only) and the close sequence ({@link CloseSequence}). See
 * docs/ARCHITECTURE.md for which thread does what; in short, fields marked "event loop" are
 * touched only on {@link #loop}, the rest are thread-safe.
 */
final class RealConn implements Conn, LinkEvents {
  private static final Logger log = LoggerFactory.getLogger(RealConn.class);

  static final int OPEN = 0;
  static final int CLOSING = 1;
  static final int CLOSED = 2;
  static final int FAILED = 3;
  private static final String[] STATE_NAMES = {"open", "closing", "closed", "failed"};

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
  private volatile InetSocketAddress peer; // a client's: the server dialed last
  private volatile String peerName; // host:port, for messages
  final EventLoop loop;
  private final SerialExecutor events;
  private final Runnable onTerminated;

  private final ConnView view;
  private final WriteQueue queue;
  private final BatchWriter writer;
  private final Requests requests;
  private final Inbound inbound;
  private final ClientDialing dialing; // client only
  private final CloseSequence closer;
  private final Clock clock;
  private ResumableSession session; // null unless resumable; set before the first channel

  private volatile int state = OPEN;
  private volatile Throwable terminalCause;
  private volatile Channel channel; // the ready channel; null while dialing or after the end
  private Channel connecting; // event loop: a dial attempt not yet ready
  private boolean everReady; // event loop
  private volatile long redials;
  final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final AtomicBoolean groupReleased = new AtomicBoolean();

  private final IoDeadlines deadlines;

  private RealConn(Options options, boolean client, List<InetSocketAddress> peers, EventLoop loop,
      Clock clock, Runnable onTerminated) {
    InetSocketAddress peer = peers.get(0);
    this.options = options;
    this.client = client;
    this.peer = peer;
    this.peerName = ConnHandler.hostPort(peer);
    this.loop = loop;
    this.onTerminated = onTerminated;
    this.events = new SerialExecutor(options.callbackExecutor());
    this.view = new ConnView(this, loop, options.callbackExecutor());
    this.queue = new WriteQueue(options, view);
    this.writer = queue.writer();
    this.requests = new Requests(clock, options.callbackExecutor(), queue, view);
    this.inbound = new Inbound(view, requests, writer, options.bigFrames(),
        options.readerBufferDepth());
    this.deadlines = new IoDeadlines(inbound::wakeReaders, queue::wakeBlockedWriters);
    this.closer = new CloseSequence(this, clock, options.closeLinger().toNanos());
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
    c.connecting = ch;
    Pipelines.init(ch, options, false, c.peer, c);
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
    c.connecting = ch;
    ch.pipeline().get(ConnHandler.class).retarget(c);
    c.session.welcomeNew(ch, lost);
    c.onReady(ch);
    return c;
  }

  /** The resumable session, or null. */
  ResumableSession session() {
    return session;
  }

  /**
   * Server, event loop: the session's client came back on {@code ch} (registered on this
   * connection's event loop), having received {@code clientReceived} of the session's messages.
   */
  void resumeOn(Channel ch, long clientReceived) {
    if (state != OPEN) {
      ch.close(); // the session ended meanwhile: the client finds out and begins a new one
      return;
    }
    if (!ch.isActive()) {
      return; // the client left again during the move: the session still waits for it
    }
    Channel old = channel;
    if (old != null) { // the client found its link broken before this side did
      channel = null;
      old.close();
    }
    ch.pipeline().get(ConnHandler.class).retarget(this);
    if (!session.resume(ch, clientReceived)) {
      ConnHandler.fail(ch, new dev.ftcp.FrameFormatException("the client says it received "
          + clientReceived + " messages of the session, which this side did not send"));
      return;
    }
    connecting = ch;
    onReady(ch);
    tell(ConnStateListener::resumed);
  }

  /** Event loop, closing: a resumable client tells its server the session is over. */
  void sayBye(Channel ch) {
    if (client && session != null) {
      session.bye(ch);
      ch.flush();
    }
  }

  /** Server, event loop: a detached session's resume timeout passed. */
  void expire(Throwable cause) {
    if (channel == null && state == OPEN) {
      terminate(FAILED, cause);
    }
  }

  /** Tells the state listener of an event, in order with the others. */
  void tell(BiConsumer<ConnStateListener, Conn> event) {
    events.execute(() -> event.accept(options.stateListener(), this));
  }

  @Override
  public void onReady(Channel ch) {
    if (ch != connecting) {
      ch.close();
      return;
    }
    if (client && session != null && session.needsHandshake(ch) && state < CLOSED) {
      session.hello(ch); // the channel carries data once the server's WELCOME came
      return;
    }
    connecting = null;
    if (state >= CLOSED) {
      ch.close();
      return;
    }
    channel = ch;
    inbound.channelReady(ch);
    boolean first = !everReady;
    everReady = true;
    if (client) {
      int attempts = dialing.ready(first, inbound.receivedOnLoop());
      if (!first) {
        redials++;
        events.execute(() -> options.stateListener().redialed(this, attempts));
      }
      if (session != null) {
        session.tellOutcome();
      }
    }
    if (first) {
      events.execute(() -> options.stateListener().connected(this));
      ready.complete(null);
    }
    writer.channelReady();
    if (state == CLOSING) {
      closer.start();
    }
  }

  @Override
  public void onMessage(Message m) {
    inbound.onMessage(m);
  }

  @Override
  public void onReadComplete() {
    inbound.onReadComplete();
  }

  @Override
  public void onWritable() {
    writer.drain();
  }

  @Override
  public boolean readingPaused() {
    return inbound.readingPaused();
  }

  @Override
  public void onChannelClosed(Channel ch, Throwable cause) {
    inbound.publishCounts();
    if (ch == connecting) {
      connecting = null;
      Throwable why = cause != null ? cause
          : new ConnectionClosedException("connection to " + peerName + " closed while opening");
      if (client) {
        dialing.attemptFailed(why);
      } else {
        firstDialFailed(why);
      }
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
    events.execute(() -> options.stateListener().disconnected(this, why));
    if (!client) {
      if (session != null && !session.peerClosed()) {
        session.detached(); // readers wait and writes queue while the client comes back
      } else {
        terminate(FAILED, why);
      }
      return;
    }
    dialing.linkLost(why, inbound.receivedOnLoop());
  }

  /** Starts the first dial of a client connection; the outcome completes {@link #ready}. */
  void startDial() {
    dialing.start();
  }

  /** A dial attempt opened {@code ch}, not yet ready. */
  void opening(Channel ch) {
    connecting = ch;
  }

  /** A dial attempt's channel failed to open: true if it is still the attempt in progress. */
  boolean openingFailed(Channel ch) {
    if (ch != connecting) {
      return false;
    }
    connecting = null;
    return true;
  }

  /** The first dial, or a server connection's TLS handshake, failed: the connection fails. */
  void firstDialFailed(Throwable cause) {
    ready.completeExceptionally(cause);
    terminate(FAILED, cause);
  }

  boolean everReady() {
    return everReady;
  }

  boolean lingering() {
    return closer.lingering();
  }

  String peerName() {
    return peerName;
  }

  /** Client, event loop: the server the next dial attempt goes to. */
  void target(InetSocketAddress address) {
    peer = address;
    peerName = ConnHandler.hostPort(address);
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
    return requests.request(msg, timeout);
  }

  @Override
  public CompletableFuture<Message> requestAsync(Message msg, Duration timeout)
      throws IOException {
    return requests.requestAsync(msg, timeout);
  }

  @Override
  public void setDeadline(Instant deadline) {
    setReadDeadline(deadline);
    setWriteDeadline(deadline);
  }

  @Override
  public void setReadDeadline(Instant deadline) {
    deadlines.setRead(deadline);
  }

  @Override
  public void setWriteDeadline(Instant deadline) {
    deadlines.setWrite(deadline);
  }

  @Override
  public void close() {
    if (STATE.compareAndSet(this, OPEN, CLOSING)) {
      queue.wakeBlockedWriters();
      if (!runOnLoop(closer::start)) {
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

  boolean isClosing() {
    return state == CLOSING;
  }

  /** Event loop: whether a client is between channels with messages still to send. */
  boolean redialsWithQueue() {
    return client && everReady && !writer.isIdle();
  }

  /** Event loop: closes a channel that is still opening (a dial, a server's TLS handshake). */
  void abandonDial() {
    if (connecting != null) {
      connecting.close();
    }
  }

  BatchWriter writer() {
    return writer;
  }

  /** The ready channel; null while dialing or after the end. */
  Channel channel() {
    return channel;
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
      closer.afterWrite();
    }
  }

  boolean outputShut() {
    return closer.outputShut();
  }

  /** Event loop (or any thread when the loop is gone): the connection ends for good. */
  void terminate(int endState, Throwable cause) {
    int s = state;
    if (s >= CLOSED) {
      return;
    }
    terminalCause = cause;
    state = endState;
    channel = null;
    closer.cancel();
    if (session != null) {
      session.cancelTimer();
    }
    if (dialing != null) {
      dialing.cancel();
    }
    writer.discardAll();
    requests.endAll(closedException());
    queue.wakeBlockedWriters();
    inbound.end();
    if (everReady) {
      if (endState == CLOSED || !client) {
        events.execute(() -> options.stateListener().closed(this));
      } else {
        events.execute(() -> options.stateListener().gaveUp(this, cause));
      }
    }
    terminated.complete(null);
    onTerminated.run();
    if (groupReleased.compareAndSet(false, true)) {
      IoGroup.release();
    }
  }

  /** The exception calls get once the connection no longer takes them, with its cause. */
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

  /** Runs a task on the event loop; false when the loop takes no more tasks. */
  boolean runOnLoop(Runnable task) {
    return view.runOnLoop(task);
  }

  CompletableFuture<Void> terminated() {
    return terminated;
  }

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
    return new ConnStats(inbound.messagesIn(), inbound.bytesIn(), writer.messagesOut(),
        writer.bytesOut(), redials, queue.size(), inbound.lateReplies(), writer.discarded(),
        session != null ? session.resumes() : 0, writer.resent());
  }

  @Override
  public boolean isOpen() {
    return state == OPEN;
  }

  @Override
  public String toString() {
    return (client ? "Conn[client to " : "Conn[server from ") + peerName + ", "
        + STATE_NAMES[state] + "]";
  }
}
