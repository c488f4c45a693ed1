package dev.ftcp.internal.conn;

import dev.ftcp.ConnectionClosedException;
import dev.ftcp.Options;
import dev.ftcp.internal.conn.redial.RedialHost;
import dev.ftcp.internal.conn.redial.Redialer;
import dev.ftcp.internal.time.Clock;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection's dials: a bootstrap for each attempt (built then and dropped after, so
 * that a connection holds none of its options maps while it is up), and how the outcome of
 * each attempt meets the connection's state (a first dial that fails fails the connection; a
 * close waits for no redial unless messages are queued; otherwise the {@link Redialer} decides
 * when to try again and when to give up).
 *
 * <p>Threads: the connection's event loop, but {@link #start}, which any thread may call.
 * Cost: nothing while the link is up.
 */
final class ClientDialing implements RedialHost {
  private static final Logger log = LoggerFactory.getLogger(ClientDialing.class);

  private final RealConn conn;
  private final List<InetSocketAddress> servers;
  private final Options options;
  private final EventLoop loop;
  private final Clock clock;
  // Made for the first dial and dropped once it succeeds: a fresh one is in the state that one
  // is left in, so a connection whose link holds keeps none. Written on the event loop.
  private volatile Redialer redialer;
  private int next; // event loop: the index of the server the next attempt dials
  private int firstDialTried; // event loop: servers the first dial has tried

  ClientDialing(RealConn conn, Options options, EventLoop loop, List<InetSocketAddress> servers,
      Clock clock) {
    this.conn = conn;
    this.servers = List.copyOf(servers);
    this.options = options;
    this.loop = loop;
    this.clock = clock;
    this.redialer = new Redialer(this, options, clock, loop);
  }

  /** Event loop: the redialer, made again for the first outage after the first dial. */
  private Redialer redialer() {
    Redialer r = redialer;
    if (r == null) {
      redialer = r = new Redialer(this, options, clock, loop);
    }
    return r;
  }

  /** Moves on to the next server (the first again after the last), for the next attempt. */
  private void moveOn() {
    next = (next + 1) % servers.size();
  }

  /** Any thread: starts the first dial; its outcome completes the connection's ready future. */
  void start() {
    if (!conn.runOnLoop(() -> redialer().attempt())) {
      conn.ready.completeExceptionally(new ConnectionClosedException("ftcp is shutting down"));
    }
  }

  /** A channel is ready; returns the attempts it took. */
  int ready(boolean first, long received) {
    int attempts = redialer().ready(first, received);
    if (first) {
      redialer = null;
    }
    return attempts;
  }

  /** The ready channel closed while the connection is open: redial, to the next server. */
  void linkLost(Throwable why, long received) {
    log.debug("connection to {} broke, redialing: {}", conn.peerName(), why.toString());
    moveOn();
    redialer().linkLost(why, received);
  }

  @Override
  public boolean beforeDial() {
    if (conn.isClosing() && conn.everReady() && !conn.lingering()) {
      conn.terminate(RealConn.CLOSED, null);
      return false;
    }
    return !conn.ended() || !conn.everReady();
  }

  @Override
  public void dial() {
    InetSocketAddress server = servers.get(next);
    conn.target(server);
    Bootstrap bootstrap = Pipelines.client(options, loop, server, conn.link());
    ChannelFuture f = bootstrap.connect(server);
    Channel ch = f.channel();
    conn.link().opening(ch);
    long timeoutMillis = options.connectTimeout().toMillis();
    ScheduledFuture<?> timeout = timeoutMillis <= 0 || f.isDone() ? null
        : loop.schedule(() -> connectTimedOut(f, server, timeoutMillis), timeoutMillis,
            TimeUnit.MILLISECONDS);
    f.addListener((ChannelFuture done) -> {
      if (timeout != null) {
        timeout.cancel(false);
      }
      if (!done.isSuccess() && conn.link().openingFailed(done.channel())) {
        attemptFailed(DialErrors.describe(done.cause(), conn.peerName(),
            conn.options.connectTimeout()));
      }
    });
  }

  /**
   * The connect timeout, kept here rather than by Netty: Netty's connect timeout stays referenced
   * from the channel after the connect, 64 bytes a client connection holds for nothing.
   */
  private static void connectTimedOut(ChannelFuture f, InetSocketAddress server, long millis) {
    if (f instanceof ChannelPromise && ((ChannelPromise) f).tryFailure(
        new ConnectTimeoutException("connection timed out after " + millis + " ms: " + server))) {
      f.channel().close();
    }
  }

  /** A dial attempt failed, or its channel closed before it was ready. */
  void attemptFailed(Throwable cause) {
    if (!conn.everReady()) {
      if (++firstDialTried < servers.size()) { // the first dial tries each server once, in order
        log.debug("dialing {} failed, trying the next server: {}", conn.peerName(), cause.toString());
        moveOn();
        redialer().attempt();
        return;
      }
      conn.firstDialFailed(cause);
      return;
    }
    if (conn.isClosing() && !conn.lingering()) {
      conn.terminate(RealConn.CLOSED, null);
      return;
    }
    if (conn.ended()) {
      return;
    }
    moveOn();
    redialer().attemptFailed(cause);
  }

  @Override
  public void gaveUp(Throwable lastError) {
    if (conn.isClosing()) {
      conn.terminate(RealConn.CLOSED, null);
      return;
    }
    log.debug("giving up on {} after {} attempts: {}", conn.peerName(), redialer().attempts(),
        lastError.toString());
    conn.terminate(RealConn.FAILED, lastError);
  }

  /** The connection has ended: no more attempts. */
  void cancel() {
    Redialer r = redialer;
    if (r != null) {
      r.cancel();
    }
  }
}
