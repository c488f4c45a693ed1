package dev.ftcp.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy for tests that breaks the link on purpose: it listens on {@code 127.0.0.1}, opens a
 * connection to the target for every connection it accepts, and forwards bytes both ways until
 * told to cut, refuse, stall, slow down or fragment them.
 *
 * <p>Every fault applies to the connections already proxied and to those accepted later, until
 * it is ended ({@link #resume()} ends them all). Control methods act on the proxy's own event
 * loop and return once the change is in force, so a test can rely on their order.
 *
 * <p>Memory stays bounded whatever the fault: each direction holds at most the chunk one socket
 * read returned, and reads the next only once that chunk is written to the other side, so a
 * slow or stalled side backs up into the sender's socket (TCP backpressure) instead of into
 * this proxy. Both sides' socket buffers are kept small ({@value #SOCKET_BUFFER} bytes) for
 * the same reason: a stalled direction fills up after little data, so the sender feels it.
 *
 * <p>Thread-safe. One event-loop thread of its own, named {@code fault-proxy-N}; {@link #close()}
 * closes every connection and stops it.
 */
public final class FaultProxy implements AutoCloseable {
  /** Receive and send buffer of every proxied socket: small, so that a stall backs up quickly. */
  public static final int SOCKET_BUFFER = 64 * 1024;

  private static final AtomicInteger IDS = new AtomicInteger();
  private static final boolean EPOLL = Epoll.isAvailable();
  private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);

  /** Which way bytes flow through the proxy. */
  public enum Direction {
    /** From whoever dialed the proxy to the target. */
    CLIENT_TO_SERVER,
    /** From the target back to whoever dialed the proxy. */
    SERVER_TO_CLIENT
  }

  /** How {@link #cutAll(Cut)} ends a connection. */
  public enum Cut {
    /** SO_LINGER 0, then close: the peer gets a TCP reset ("connection reset by peer"). */
    RESET,
    /**
     * An orderly close: the peer reads end of stream. (Linux still sends a reset instead when
     * the proxy holds bytes from that peer that it has not read, as after a HOLD.)
     */
    FIN
  }

  /** What a half-open direction does with the bytes sent into it. */
  public enum Stall {
    /**
     * Stop reading: the bytes stay in the kernel, the sender's socket fills up and its writes
     * stall, as with a peer that stopped reading. {@link #resume()} delivers them.
     */
    HOLD,
    /** Keep reading and throw the bytes away, as a link that acknowledges but loses them. */
    DROP
  }

  /** How the proxy refuses new connections. */
  public enum Refusal {
    /** Accept and close at once: the dialer connects, then reads end of stream. */
    ACCEPT_AND_CLOSE,
    /** Close the listening socket: a dial is refused by the kernel (ECONNREFUSED). */
    NOT_LISTENING
  }

  private final InetSocketAddress target;
  private final MultiThreadIoEventLoopGroup group;
  private final EventLoop loop;
  private final ServerBootstrap serverBootstrap;
  private final Bootstrap clientBootstrap;
  private final int port;

  // Event loop only.
  private Channel listening;
  private final Set<Link> links = new HashSet<>();
  /** Accepted connections whose connection to the target is still being opened. */
  private final Set<Channel> unlinked = new HashSet<>();
  private final Map<Direction, Stall> stalls = new EnumMap<>(Direction.class);
  private Refusal refusal;
  private ScheduledFuture<?> refusalEnd;
  private boolean closed;
  private long delayNanos;
  private int fragment;

  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong forwardedToServer = new AtomicLong();
  private final AtomicLong forwardedToClient = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final ConcurrentLinkedQueue<Accept> accepts = new ConcurrentLinkedQueue<>();
  private volatile boolean recordAccepts = true;

  /**
   * One connection the proxy accepted.
   *
   * @param nanos {@link System#nanoTime()} when it was accepted
   * @param from the dialer's address (its local port tells which of several dialers it was)
   */
  public record Accept(long nanos, InetSocketAddress from) {}

  private FaultProxy(InetSocketAddress target) throws IOException {
    this.target = Objects.requireNonNull(target, "target");
    int id = IDS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    // Epoll where it loads: closing a listening socket there takes effect at once, where NIO
    // defers it to the next select, and a dial in between would still be accepted.
    this.group = new MultiThreadIoEventLoopGroup(1, r -> {
      Thread t = new Thread(r, "fault-proxy-" + id + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.loop = (EventLoop) group.next();
    this.clientBootstrap = new Bootstrap()
        .group(loop)
        .channel(EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
        .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            // The link adds its pipe once both sides are connected.
          }
        });
    this.serverBootstrap = new ServerBootstrap()
        .group(loop)
        .channel(EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        // Set on the listening socket so that accepted sockets start with it (window scaling).
        .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            onAccepted(ch);
          }
        });
    ChannelFuture bound = serverBootstrap.bind(new InetSocketAddress(
        InetAddress.getLoopbackAddress(), 0)).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IOException("fault proxy cannot listen: " + bound.cause(), bound.cause());
    }
    this.port = ((InetSocketAddress) bound.channel().localAddress()).getPort();
    control(() -> listening = bound.channel());
  }

  /** Starts a proxy in front of {@code target}, listening on {@code 127.0.0.1} on a free port. */
  public static FaultProxy to(InetSocketAddress target) throws IOException {
    return new FaultProxy(target);
  }

  /** The address to dial to go through the proxy. */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** {@code 127.0.0.1:port}, as ftcp's dial takes it. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  public InetSocketAddress target() {
    return target;
  }

  // ---------------------------------------------------------------------------------------
  // Faults

  /** Closes every proxied connection now, on both sides, the way {@code how} says. */
  public void cutAll(Cut how) {
    Objects.requireNonNull(how, "how");
    control(() -> cutEverything(how));
  }

  /**
   * New connections are accepted and closed at once ({@code true}), or proxied again
   * ({@code false}, which ends either kind of refusal).
   */
  public void refuse(boolean on) {
    refuse(on ? Refusal.ACCEPT_AND_CLOSE : null);
  }

  /**
   * New connections are refused the way {@code how} says, or proxied again when it is
   * {@code null}. Connections already proxied are left alone: cut them with {@link #cutAll}.
   */
  public void refuse(Refusal how) {
    control(() -> setRefusal(how));
    settle();
  }

  /** Accepts and closes new connections for {@code d}, then proxies them again. */
  public void refuseFor(Duration d) {
    refuseFor(d, Refusal.ACCEPT_AND_CLOSE);
  }

  /** As {@link #refuse(Refusal)}, ended by itself after {@code d}. */
  public void refuseFor(Duration d, Refusal how) {
    Objects.requireNonNull(how, "how");
    long nanos = d.toNanos();
    control(() -> {
      setRefusal(how);
      refusalEnd = loop.schedule(() -> setRefusal(null), nanos, TimeUnit.NANOSECONDS);
    });
    settle();
  }

  /** Stops forwarding in one direction without closing anything; bytes are held. */
  public void halfOpen(Direction d) {
    halfOpen(d, Stall.HOLD);
  }

  /** Stops forwarding in one direction without closing anything; bytes are held or dropped. */
  public void halfOpen(Direction d, Stall stall) {
    Objects.requireNonNull(d, "direction");
    Objects.requireNonNull(stall, "stall");
    control(() -> {
      stalls.put(d, stall);
      kickAll(); // a held direction switched to DROP starts reading again
    });
  }

  /** Each chunk read is delivered this long after it was read ({@link Duration#ZERO}: at once). */
  public void delay(Duration d) {
    long nanos = Math.max(0, d.toNanos());
    control(() -> delayNanos = nanos);
  }

  /**
   * Delivers bytes at most {@code n} at a time: each piece is written and flushed on its own,
   * and the next only once the kernel took it ({@code 0}: whole chunks). The receiver's kernel
   * may still hand it several pieces in one read when it reads more slowly than they come.
   */
  public void fragment(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("fragment size must not be negative, was " + n);
    }
    control(() -> fragment = n);
  }

  /**
   * Sends {@code bytes} of the proxy's own into every proxied connection, one way, as a
   * corrupting middlebox would. They land between chunks: inject while that direction is quiet
   * to know where they fall in the stream.
   */
  public void inject(Direction d, byte[] bytes) {
    Objects.requireNonNull(d, "direction");
    byte[] copy = bytes.clone();
    control(() -> {
      for (Link l : links) {
        (d == Direction.CLIENT_TO_SERVER ? l.server : l.client)
            .writeAndFlush(Unpooled.wrappedBuffer(copy));
      }
    });
  }

  /**
   * Ends every fault: both directions forward again (held bytes are delivered now), no delay,
   * no fragmentation, new connections are proxied.
   */
  public void resume() {
    control(() -> {
      stalls.clear();
      delayNanos = 0;
      fragment = 0;
      setRefusal(null);
      kickAll();
    });
  }

  // ---------------------------------------------------------------------------------------
  // Counters

  /** Connections accepted so far, refused ones included. */
  public long connectionsAccepted() {
    return accepted.get();
  }

  /** Connections accepted and closed at once because the proxy was refusing. */
  public long connectionsRefused() {
    return refused.get();
  }

  /** Connections being proxied now. */
  public int openConnections() {
    return onLoop(links::size);
  }

  /** Bytes delivered to the other side in one direction (held or dropped bytes not counted). */
  public long bytesForwarded(Direction d) {
    return d == Direction.CLIENT_TO_SERVER ? forwardedToServer.get() : forwardedToClient.get();
  }

  /** Bytes read and thrown away by a {@link Stall#DROP} direction. */
  public long bytesDropped() {
    return dropped.get();
  }

  /**
   * Every connection accepted, in order, refused ones included (since
   * {@link #recordAccepts(boolean)} last turned recording on).
   */
  public List<Accept> accepts() {
    return new ArrayList<>(accepts);
  }

  /**
   * Whether {@link #accepts()} records connections (on by default). The record grows with every
   * connection: a long run that does not look at it turns it off. Turning it off forgets what
   * was recorded.
   */
  public void recordAccepts(boolean on) {
    recordAccepts = on;
    if (!on) {
      accepts.clear();
    }
  }

  /** Closes every connection and the listening socket, and stops the proxy's thread. */
  @Override
  public void close() {
    try {
      control(() -> {
        closed = true;
        if (refusalEnd != null) {
          refusalEnd.cancel(false);
        }
        if (listening != null) {
          listening.close();
          listening = null;
        }
        cutEverything(Cut.FIN);
      });
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Override
  public String toString() {
    return "FaultProxy[" + hostPort() + " -> " + target + "]";
  }

  // ---------------------------------------------------------------------------------------
  // Event loop

  private void setRefusal(Refusal how) {
    if (refusalEnd != null) {
      refusalEnd.cancel(false);
      refusalEnd = null;
    }
    if (closed) {
      return;
    }
    refusal = how;
    if (how == Refusal.NOT_LISTENING && listening != null) {
      listening.close();
      listening = null;
    } else if (how != Refusal.NOT_LISTENING && listening == null) {
      // Same port as before: dialers hold the address. SO_REUSEADDR lets it bind while the old
      // connections linger in TIME_WAIT.
      ChannelFuture f = serverBootstrap.bind(address());
      listening = f.channel();
      f.addListener(done -> {
        if (!done.isSuccess()) {
          System.err.println(this + " could not listen again: " + done.cause());
        }
      });
    }
  }

  private void cutEverything(Cut how) {
    for (Link l : new ArrayList<>(links)) {
      l.cut(how);
    }
    // Those still connecting to the target too: the dialer already counts them as connected.
    for (Channel ch : unlinked) {
      close(ch, how);
    }
    unlinked.clear();
  }

  private static void close(Channel ch, Cut how) {
    if (how == Cut.RESET) {
      ch.config().setOption(ChannelOption.SO_LINGER, 0);
    }
    ch.close();
  }

  private void kickAll() {
    for (Link l : new ArrayList<>(links)) {
      l.toServer.kick();
      l.toClient.kick();
    }
  }

  private void onAccepted(Channel inbound) {
    if (recordAccepts) {
      accepts.add(new Accept(System.nanoTime(), (InetSocketAddress) inbound.remoteAddress()));
    }
    accepted.incrementAndGet();
    if (refusal != null || closed) {
      refused.incrementAndGet();
      inbound.close();
      return;
    }
    unlinked.add(inbound);
    // Bytes the client sends (and its end of stream) before the link exists are kept: the
    // transport may read them even with AUTO_READ off (epoll reads on a peer's FIN).
    EarlyBytes early = new EarlyBytes();
    inbound.pipeline().addLast(early);
    clientBootstrap.connect(target).addListener((ChannelFuture f) -> {
      boolean cut = !unlinked.remove(inbound);
      if (!f.isSuccess()) {
        early.discard();
        inbound.close(); // the target is down: the dialer sees the connection end at once
        return;
      }
      Channel outbound = f.channel();
      if (cut || closed || (!inbound.isActive() && early.chunks.isEmpty())) {
        early.discard();
        outbound.close();
        inbound.close();
        return;
      }
      inbound.pipeline().remove(early);
      Link l = new Link(inbound, outbound);
      l.toServer.chunks.addAll(early.chunks);
      for (int i = 0; i < early.chunks.size(); i++) {
        l.toServer.readAt.add(System.nanoTime());
      }
      l.toServer.ended = early.ended || !inbound.isActive();
      links.add(l);
      l.start();
    });
  }

  /**
   * Waits until the event loop has been through its selector once more, so that a listening
   * socket it closed is closed in the kernel too (NIO closes a registered channel's socket only
   * then). A task scheduled ahead runs after the next select.
   */
  private void settle() {
    try {
      loop.schedule(() -> null, 1, TimeUnit.MILLISECONDS)
          .get(CONTROL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while controlling " + this, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(this + " did not answer within " + CONTROL_TIMEOUT, e);
    }
  }

  /** Runs {@code task} on the event loop and waits for it. */
  private void control(Runnable task) {
    onLoop(() -> {
      task.run();
      return null;
    });
  }

  private <T> T onLoop(Callable<T> task) {
    if (loop.inEventLoop()) {
      throw new IllegalStateException("FaultProxy controls are for test threads");
    }
    try {
      return loop.submit(task).get(CONTROL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while controlling " + this, e);
    } catch (ExecutionException e) {
      Throwable t = e.getCause();
      if (t instanceof IOException) {
        throw new UncheckedIOException((IOException) t);
      }
      if (t instanceof RuntimeException) {
        throw (RuntimeException) t;
      }
      throw new IllegalStateException(t);
    } catch (TimeoutException e) {
      throw new IllegalStateException(this + " did not answer within " + CONTROL_TIMEOUT, e);
    }
  }

  /** One proxied connection: the dialer's channel, the target's channel, a pipe each way. */
  /** Holds what a client sent before its link to the target was made. */
  private static final class EarlyBytes extends io.netty.channel.ChannelInboundHandlerAdapter {
    final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    boolean ended;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      chunks.add((ByteBuf) msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ended = true;
    }

    void discard() {
      ByteBuf b;
      while ((b = chunks.poll()) != null) {
        b.release();
      }
    }
  }

  private final class Link {
    final Channel client;
    final Channel server;
    final Pipe toServer;
    final Pipe toClient;

    Link(Channel client, Channel server) {
      this.client = client;
      this.server = server;
      this.toServer = new Pipe(this, client, server, Direction.CLIENT_TO_SERVER,
          forwardedToServer);
      this.toClient = new Pipe(this, server, client, Direction.SERVER_TO_CLIENT,
          forwardedToClient);
    }

    void start() {
      client.pipeline().addLast(toServer);
      server.pipeline().addLast(toClient);
      toServer.kick();
      toClient.kick();
    }

    void cut(Cut how) {
      if (!links.remove(this)) {
        return;
      }
      toServer.discard();
      toClient.discard();
      close(client, how);
      close(server, how);
    }
  }

  /**
   * Forwards one direction: reads a chunk from {@code from} (auto-read is off), delivers it to
   * {@code to} after the delay and in fragments, and reads again only once it is written.
   */
  private final class Pipe extends ChannelInboundHandlerAdapter {
    private final Link link;
    private final Channel from;
    private final Channel to;
    private final Direction direction;
    private final AtomicLong forwarded;
    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    private final ArrayDeque<Long> readAt = new ArrayDeque<>();
    private boolean reading; // a read() was asked and its data has not come yet
    private boolean delivering; // a chunk is being delayed or written
    private boolean ended; // from reached end of stream

    Pipe(Link link, Channel from, Channel to, Direction direction, AtomicLong forwarded) {
      this.link = link;
      this.from = from;
      this.to = to;
      this.direction = direction;
      this.forwarded = forwarded;
    }

    /** Asks for the next chunk when nothing is pending and the direction is not held. */
    void kick() {
      if (!links.contains(link) || delivering || stalls.get(direction) == Stall.HOLD) {
        return; // a held direction keeps the one chunk it may have read; resume() delivers it
      }
      if (!chunks.isEmpty()) {
        deliverNext();
        return;
      }
      if (ended) {
        link.cut(Cut.FIN); // all that came before the end is delivered: pass the end on
        return;
      }
      if (reading) {
        return;
      }
      reading = true;
      from.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      if (!links.contains(link)) {
        buf.release();
        return;
      }
      if (stalls.get(direction) == Stall.DROP) {
        dropped.addAndGet(buf.readableBytes());
        buf.release();
        return;
      }
      chunks.add(buf);
      readAt.add(System.nanoTime());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      reading = false;
      kick();
    }

    private void deliverNext() {
      long wait = readAt.peek() + delayNanos - System.nanoTime();
      delivering = true;
      if (wait > 0) {
        loop.schedule(this::writeHead, wait, TimeUnit.NANOSECONDS);
      } else {
        writeHead();
      }
    }

    /** Writes the head chunk, or its next fragment; continues once the kernel took it. */
    private void writeHead() {
      ByteBuf buf = chunks.peek();
      if (buf == null || !links.contains(link) || stalls.get(direction) == Stall.HOLD) {
        delivering = false; // held mid-chunk: the rest waits for resume()
        return;
      }
      int n = buf.readableBytes();
      boolean last = fragment <= 0 || n <= fragment;
      ByteBuf piece = last ? chunks.poll() : buf.readRetainedSlice(fragment);
      if (last) {
        readAt.poll();
      }
      int size = piece.readableBytes();
      to.writeAndFlush(piece).addListener((ChannelFuture f) -> {
        if (!f.isSuccess()) {
          delivering = false;
          link.cut(Cut.FIN);
          return;
        }
        forwarded.addAndGet(size);
        if (last) {
          delivering = false;
          kick();
        } else {
          writeHead();
        }
      });
    }

    /** Releases what is pending; the link is being cut. */
    void discard() {
      ByteBuf b;
      while ((b = chunks.poll()) != null) {
        b.release();
      }
      readAt.clear();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      ended = true;
      kick();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A reset from one side: pass it on as a reset, as a real link would.
      link.cut(Cut.RESET);
    }
  }
}
