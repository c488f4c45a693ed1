package dev.ftcp.internal.conn;

import dev.ftcp.Conn;
import dev.ftcp.ConnectionClosedException;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Listener;
import dev.ftcp.Options;
import dev.ftcp.internal.IoGroup;
import dev.ftcp.internal.Waiters;
import dev.ftcp.internal.conn.session.Control;
import dev.ftcp.internal.time.Deadlines;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one implementation of {@link Listener}. Connections are accepted by the I/O threads as
 * they arrive and wait in a bounded queue for {@link #accept()}; while the queue is full the
 * server socket is not read, so further clients wait in the kernel's backlog.
 */
final class RealListener implements Listener, ServerHandshake.Sessions {
  private static final Logger log = LoggerFactory.getLogger(RealListener.class);

  private final Options options;
  private final Channel serverChannel;
  private final ConcurrentLinkedQueue<RealConn> accepted = new ConcurrentLinkedQueue<>();
  private final AtomicInteger acceptedSize = new AtomicInteger();
  private final Waiters acceptors = new Waiters();
  // acceptAsync futures waiting for a connection, oldest first; matched under their own lock.
  private final ArrayDeque<CompletableFuture<Conn>> asyncAcceptors = new ArrayDeque<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean paused;
  // Resumable sessions by token, from the first HELLO until the session ends.
  private final ConcurrentHashMap<String, RealConn> sessions = new ConcurrentHashMap<>();

  private RealListener(Options options, MultiThreadIoEventLoopGroup group,
      InetSocketAddress address) throws IOException {
    this.options = options;
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(IoGroup.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, options.keepAlive())
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, Pipelines.WATER_MARK)
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, Pipelines.RECV_ALLOCATOR)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            onChild(ch);
          }
        });
    ChannelFuture bound = b.bind(address);
    IoGroup.awaitUninterruptibly(bound);
    if (!bound.isSuccess()) {
      Throwable t = bound.cause();
      if (t instanceof IOException) {
        throw (IOException) t;
      }
      throw new IOException("cannot listen on " + address + ": " + t, t);
    }
    this.serverChannel = bound.channel();
  }

  static Listener listen(Options options, InetSocketAddress address) throws IOException {
    MultiThreadIoEventLoopGroup group = IoGroup.acquire();
    try {
      return new RealListener(options, group, address);
    } catch (IOException | RuntimeException e) {
      IoGroup.release();
      throw e;
    }
  }

  /** A child channel's event loop: a new connection. */
  private void onChild(Channel ch) {
    if (closed.get()) {
      ch.close();
      return;
    }
    if (open.incrementAndGet() > options.maxConnections()) {
      open.decrementAndGet();
      refused.incrementAndGet();
      log.debug("refused {}: maxConnections {} reached", ch.remoteAddress(),
          options.maxConnections());
      ch.close();
      return;
    }
    if (options.resumable()) {
      Pipelines.init(ch, options, false, (InetSocketAddress) ch.remoteAddress(),
          new ServerHandshake(ch, this, options, open::decrementAndGet));
      return;
    }
    IoGroup.acquire(); // the connection's own reference: it may outlive this listener
    RealConn conn = RealConn.server(options, ch, open::decrementAndGet);
    conn.ready.thenRun(() -> offer(conn));
  }

  /**
   * A resumable client's HELLO on {@code ch} (its event loop): a new session, or the channel
   * goes on with the session it names. An unknown or expired session, or one that another
   * client identity began, is not resumed: a new session begins instead, and the client learns
   * that its old one was lost. A resumed session already holds a place under maxConnections, so
   * the channel gives its own back.
   */
  @Override
  public void hello(Channel ch, Control.Handshake hello, byte[] identity) {
    RealConn existing = isNone(hello.token()) ? null : sessions.get(key(hello.token()));
    if (existing != null && existing.session().sameIdentity(identity)) {
      open.decrementAndGet();
      if (ch.eventLoop() == existing.loop) {
        existing.link().resumeOn(ch, hello.received());
      } else {
        Pipelines.moveTo(ch, existing.loop, () -> existing.link().resumeOn(ch, hello.received()));
      }
      return;
    }
    if (closed.get()) {
      open.decrementAndGet();
      ch.close();
      return;
    }
    IoGroup.acquire(); // the connection's own reference: it may outlive this listener
    String[] token = new String[1];
    RealConn conn = RealConn.serverSession(options, ch, () -> {
      sessions.remove(token[0]);
      open.decrementAndGet();
    }, identity, !isNone(hello.token()));
    token[0] = key(conn.session().token());
    sessions.put(token[0], conn);
    if (!conn.isOpen()) {
      sessions.remove(token[0]); // ended already: its end ran before it was registered
    }
    conn.ready.thenRun(() -> offer(conn));
  }

  private static boolean isNone(byte[] token) {
    for (byte b : token) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static String key(byte[] token) {
    return java.util.HexFormat.of().formatHex(token);
  }

  private void offer(RealConn conn) {
    if (closed.get()) {
      conn.close();
      return;
    }
    accepted.add(conn);
    if (acceptedSize.incrementAndGet() >= options.acceptQueueDepth()) {
      updateReading();
    }
    serveAsync();
    acceptors.wakeAll();
    if (closed.get()) {
      drainUnaccepted(); // close() may have swept before this connection was added
    }
  }

  /**
   * Any thread: pauses reading the server socket while the accept queue is full, resumes it
   * once it is not. The decision runs on the server channel's event loop, one at a time, and
   * reads the queue's size after publishing {@link #paused}: an {@code accept} that took a
   * connection and then read {@code paused} still false either is seen by that read of the
   * size, or finds {@code paused} set and asks again. Deciding where the size changes instead
   * (offers on the children's event loops, takes on application threads) let a pause land
   * after the take that should have undone it, and nothing resumed the socket again.
   */
  private void updateReading() {
    EventLoop loop = serverChannel.eventLoop();
    if (!loop.inEventLoop()) {
      try {
        loop.execute(this::updateReading);
      } catch (RejectedExecutionException e) {
        // shutting down: nothing more to accept
      }
      return;
    }
    for (;;) {
      boolean full = acceptedSize.get() >= options.acceptQueueDepth();
      if (full == paused) {
        return;
      }
      paused = full;
      serverChannel.config().setAutoRead(!full);
    }
  }

  @Override
  public Conn accept() throws IOException {
    return accept(Long.MAX_VALUE);
  }

  @Override
  public Conn accept(Duration timeout) throws IOException {
    Objects.requireNonNull(timeout, "timeout");
    return accept(Deadlines.after(System.nanoTime(), timeout));
  }

  private Conn accept(long deadline) throws IOException {
    IoGroup.checkMayBlock("Listener.accept");
    for (;;) {
      if (closed.get()) {
        throw closedException();
      }
      RealConn c = take();
      if (c != null) {
        return c;
      }
      if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0) {
        throw new FtcpTimeoutException("no connection accepted within the timeout");
      }
      acceptors.parkUntil(() -> accepted.isEmpty() && !closed.get(), deadline, this,
          "a connection");
    }
  }

  /** The next connection of the accept queue, or null; resumes accepting below the depth. */
  private RealConn take() {
    RealConn c = accepted.poll();
    if (c != null) {
      int left = acceptedSize.decrementAndGet();
      if (paused && left < options.acceptQueueDepth()) {
        updateReading();
      }
    }
    return c;
  }

  private ConnectionClosedException closedException() {
    return new ConnectionClosedException("listener on " + address() + " is closed");
  }

  @Override
  public CompletableFuture<Conn> acceptAsync() {
    CompletableFuture<Conn> f = new CompletableFuture<>();
    synchronized (asyncAcceptors) {
      asyncAcceptors.add(f);
    }
    serveAsync();
    if (closed.get()) {
      failAsync();
    }
    return f;
  }

  /**
   * Any thread: hands queued connections to waiting {@code acceptAsync} futures, oldest first,
   * each completed on the callback executor. A future cancelled meanwhile takes none: its
   * connection goes back for the next caller.
   */
  private void serveAsync() {
    for (;;) {
      CompletableFuture<Conn> f;
      RealConn c;
      synchronized (asyncAcceptors) {
        while ((f = asyncAcceptors.peek()) != null && f.isDone()) {
          asyncAcceptors.poll(); // cancelled by its caller
        }
        if (f == null || (c = take()) == null) {
          return;
        }
        asyncAcceptors.poll();
      }
      CompletableFuture<Conn> waiting = f;
      RealConn conn = c;
      options.callbackExecutor().execute(() -> {
        if (!waiting.complete(conn)) {
          offer(conn); // cancelled meanwhile: the connection is the next caller's
        }
      });
    }
  }

  private void failAsync() {
    ConnectionClosedException e = closedException();
    for (;;) {
      CompletableFuture<Conn> f;
      synchronized (asyncAcceptors) {
        f = asyncAcceptors.poll();
      }
      if (f == null) {
        return;
      }
      options.callbackExecutor().execute(() -> f.completeExceptionally(e));
    }
  }

  @Override
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  @Override
  public int openConnections() {
    return open.get();
  }

  @Override
  public long refusedConnections() {
    return refused.get();
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    // The socket first: a client whose connection is closed below redials at once, and must
    // be refused, not let into the kernel's accept queue of a socket about to close.
    IoGroup.awaitUninterruptibly(serverChannel.close());
    closed.set(true);
    acceptors.wakeAll();
    failAsync();
    drainUnaccepted();
    IoGroup.release();
  }

  private void drainUnaccepted() {
    RealConn c;
    while ((c = accepted.poll()) != null) {
      acceptedSize.decrementAndGet();
      c.close();
    }
  }

  @Override
  public String toString() {
    return "Listener[" + serverChannel.localAddress() + (closed.get() ? ", closed]" : "]");
  }
}
