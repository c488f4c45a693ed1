package dev.ftcp.internal.conn;

import dev.ftcp.FrameFormatException;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Options;
import dev.ftcp.internal.Durations;
import dev.ftcp.Message;
import dev.ftcp.internal.codec.FrameDecoder;
import dev.ftcp.internal.tls.TlsHandlers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a connection's pipeline: decodes each read ({@link FrameDecoder}, called
 * here rather than as a handler of its own: a pipeline context less per channel and a hop less
 * per read), and passes messages, readiness, write room, time-outs and failures of one channel
 * to its connection ({@link LinkEvents}). It keeps the channel's timeouts: the write timeout
 * ({@link WriteStallWatch}, made at the first write) and a server's idle timeout ({@link
 * IdleWatch}). One per channel, so a redial gets a fresh one; event loop only.
 */
final class ConnHandler extends ChannelDuplexHandler implements FrameDecoder.Sink {
  private static final Logger log = LoggerFactory.getLogger(ConnHandler.class);

  private LinkEvents conn; // event loop: a resumable server's handshake hands it to the session
  private final FrameDecoder decoder;
  private final Options options;
  private final boolean tls;
  private Throwable failure;
  private WriteStallWatch stall; // null until the first write, or with no write timeout
  private IdleWatch idle; // null unless a server's channel with an idle timeout
  private final boolean watchIdle;
  private boolean heard; // the current read brought a whole message

  /** {@code watchIdle}: whether to fail the channel after {@code idleTimeout} of silence. */
  ConnHandler(LinkEvents conn, FrameDecoder decoder, Options options, boolean watchIdle) {
    this.conn = conn;
    this.decoder = decoder;
    this.options = options;
    this.tls = options.tls() != null;
    this.watchIdle = watchIdle && options.idleTimeout().toNanos() > 0;
  }

  /** Event loop: reads resumed after a pause (full buffers); the idle timeout starts again. */
  static void readingResumed(Channel ch) {
    ConnHandler h = ch.pipeline().get(ConnHandler.class);
    if (h != null && h.idle != null) {
      h.idle.restart();
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      watchIdle(ctx);
    }
  }

  private void watchIdle(ChannelHandlerContext ctx) {
    if (watchIdle && idle == null) {
      idle = new IdleWatch(ctx.channel(), options.idleTimeout().toNanos(),
          () -> conn.readingPaused(), () -> fail(ctx, new FtcpTimeoutException(
              "no message received for " + Durations.human(options.idleTimeout())
                  + " (idleTimeout)")));
      idle.start();
    }
  }

  /** Event loop: from now on the channel's events go to {@code events}. */
  void retarget(LinkEvents events) {
    this.conn = events;
  }

  /** Event loop: fails the channel with {@code cause}, as its own failures do. */
  static void fail(Channel ch, Throwable cause) {
    ConnHandler h = ch.pipeline().get(ConnHandler.class);
    if (h != null) {
      h.fail(ch.pipeline().context(h), cause);
    } else {
      ch.close();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    watchIdle(ctx);
    if (!tls) {
      conn.onReady(ctx.channel());
    }
    super.channelActive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent) {
      SslHandshakeCompletionEvent done = (SslHandshakeCompletionEvent) evt;
      if (done.isSuccess()) {
        decoder.session(ctx.pipeline().get(SslHandler.class).engine().getSession());
        conn.onReady(ctx.channel());
      } else {
        fail(ctx, TlsHandlers.describeHandshakeFailure(done.cause(),
            hostPort(ctx.channel().remoteAddress())));
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  /** "host:port", not InetSocketAddress's "name/address:port". */
  static String hostPort(java.net.SocketAddress a) {
    if (a instanceof java.net.InetSocketAddress) {
      java.net.InetSocketAddress i = (java.net.InetSocketAddress) a;
      String host = i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + i.getPort();
    }
    return String.valueOf(a);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    ctx.write(msg, promise);
    if (stall == null) {
      long nanos = options.writeTimeout().toNanos();
      if (nanos <= 0) {
        return;
      }
      stall = new WriteStallWatch(ctx.channel(), nanos, () -> fail(ctx, new FtcpTimeoutException(
          "the socket took no byte for " + Durations.human(options.writeTimeout())
              + " while data waited (writeTimeout): peer not reading")));
    }
    stall.written();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    decoder.read((ByteBuf) msg, this);
    if (heard) {
      heard = false;
      if (idle != null) {
        idle.restart();
      }
    }
    FrameFormatException framing = decoder.takeError();
    if (framing != null) {
      fail(ctx, framing);
    }
  }

  /** Event loop, from {@link FrameDecoder#read}: one decoded message. */
  @Override
  public void message(Message m) {
    heard = true;
    conn.onMessage(m);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    conn.onReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().isWritable()) {
      conn.onWritable();
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    FrameFormatException framing = FrameDecoder.framingError(cause);
    if (framing != null) {
      fail(ctx, framing);
    } else if (tls && isTlsFailure(cause)) {
      // With TLS 1.3 the server checks the client certificate after the client's handshake is
      // done, so its refusal arrives here, on the first read, rather than as a handshake event.
      fail(ctx, TlsHandlers.describeHandshakeFailure(cause,
          hostPort(ctx.channel().remoteAddress())));
    } else {
      fail(ctx, cause);
    }
  }

  private static boolean isTlsFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SSLException) {
        return true;
      }
    }
    return false;
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    if (failure == null) {
      failure = cause;
      log.debug("{} failed: {}", conn, cause.toString());
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    Throwable why = failure;
    if (why == null) {
      why = new IOException("connection closed by peer " + hostPort(ctx.channel().remoteAddress()));
    }
    conn.onChannelClosed(ctx.channel(), why);
    super.channelInactive(ctx);
  }
}
