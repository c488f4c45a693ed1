package dev.ftcp.internal.conn;

import dev.ftcp.FrameFormatException;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Options;
import dev.ftcp.internal.Durations;
import dev.ftcp.internal.codec.DecodedFrames;
import dev.ftcp.internal.codec.FrameDecoder;
import dev.ftcp.internal.tls.TlsHandlers;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a connection's pipeline: passes decoded messages, readiness, write
 * room, time-outs and failures of one channel to its connection ({@link LinkEvents}). One per channel, so a
 * redial gets a fresh one; event loop only.
 */
final class ConnHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnHandler.class);

  private LinkEvents conn; // event loop: a resumable server's handshake hands it to the session
  private final FrameDecoder decoder;
  private final Options options;
  private final boolean tls;
  private Throwable failure;

  ConnHandler(LinkEvents conn, FrameDecoder decoder, Options options) {
    this.conn = conn;
    this.decoder = decoder;
    this.options = options;
    this.tls = options.tls() != null;
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
    if (evt instanceof IdleStateEvent) {
      IdleState idle = ((IdleStateEvent) evt).state();
      if (idle == IdleState.WRITER_IDLE && waitingForSocket(ctx.channel())) {
        fail(ctx, new FtcpTimeoutException("the socket took no byte for "
            + Durations.human(options.writeTimeout()) + " while data waited (writeTimeout): peer not reading"));
      } else if (idle == IdleState.READER_IDLE && !conn.readingPaused()) {
        // While our own buffers are full we read nothing, so that time says nothing of the peer.
        fail(ctx, new FtcpTimeoutException("no message received for "
            + Durations.human(options.idleTimeout()) + " (idleTimeout)"));
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

  private static boolean waitingForSocket(Channel ch) {
    ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
    return out != null && out.totalPendingWriteBytes() > 0;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    DecodedFrames frames = (DecodedFrames) msg;
    for (int i = 0, n = frames.size(); i < n; i++) {
      conn.onMessage(frames.get(i));
    }
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
