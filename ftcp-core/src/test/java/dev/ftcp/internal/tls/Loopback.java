package dev.ftcp.internal.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * A tiny TLS echo server and probe client on 127.0.0.1, in plain Netty: enough to run real
 * handshakes through {@link TlsHandlers} without the ftcp connection core.
 *
 * <p>A probe client completes its future with the session once "ping" has come back through the
 * TLS link, so a success means both directions work; any exception or an early close completes it
 * exceptionally with what the pipeline saw. Servers record, per connection, the same for their
 * side. Each test class owns one {@link #group()}; futures are waited for with a bound.
 */
final class Loopback {
  private Loopback() {}

  static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);
  /** What an ftcp peer sends first: a frame with ID 1 and payload "hi" (plain, not TLS). */
  static final byte[] PLAIN_FRAME = {
    18, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'h', 'i'
  };

  static EventLoopGroup group() {
    return new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  /** What one side of one connection saw. */
  static final class Side {
    final CompletableFuture<SSLSession> result = new CompletableFuture<>();
    volatile SSLEngine engine;

    SSLSession session() throws Exception {
      return result.get(5, TimeUnit.SECONDS);
    }

    /** The failure, unwrapped from the future. */
    Throwable failure() throws InterruptedException, TimeoutException {
      try {
        SSLSession s = result.get(5, TimeUnit.SECONDS);
        throw new AssertionError("expected a failure, but the TLS link works: " + s.getProtocol());
      } catch (ExecutionException e) {
        return e.getCause();
      }
    }
  }

  /** A listening server; closing it closes its channel. */
  static final class Server implements AutoCloseable {
    final Channel channel;
    /** The first accepted connection's side. */
    final Side first = new Side();

    private Server(Channel channel) {
      this.channel = channel;
    }

    InetSocketAddress address() {
      return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
      channel.close().syncUninterruptibly();
    }
  }

  /** A TLS echo server: every accepted connection gets {@code handlers.apply(channel)} first. */
  static Server tlsEchoServer(EventLoopGroup group, Function<Channel, SslHandler> handlers) {
    Server[] server = new Server[1];
    Channel ch = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            SslHandler ssl = handlers.apply(c);
            Side side = server[0].first;
            side.engine = ssl.engine();
            ssl.handshakeFuture().addListener(f -> {
              if (!f.isSuccess()) {
                side.result.completeExceptionally(f.cause());
              }
            });
            c.pipeline().addLast(ssl, new Echo(side, ssl));
          }
        })
        .bind(InetAddress.getLoopbackAddress(), 0)
        .syncUninterruptibly()
        .channel();
    server[0] = new Server(ch);
    return server[0];
  }

  /** How a plain (non-TLS) server treats what it receives. */
  enum Plain {
    /** Reads and drops everything, as an ftcp server waiting for the rest of a frame does. */
    SILENT,
    /** Closes the connection on the first bytes, as on a malformed frame. */
    CLOSE,
    /** Answers the first bytes with a plain ftcp frame. */
    ANSWER_FRAME
  }

  static Server plainServer(EventLoopGroup group, Plain behaviour) {
    Channel ch = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            if (behaviour == Plain.CLOSE) {
              ctx.close();
            } else if (behaviour == Plain.ANSWER_FRAME) {
              ctx.writeAndFlush(Unpooled.wrappedBuffer(PLAIN_FRAME));
            }
          }
        })
        .bind(InetAddress.getLoopbackAddress(), 0)
        .syncUninterruptibly()
        .channel();
    return new Server(ch);
  }

  /** Connects through {@code ssl} and sends "ping" once the handshake is done. */
  static Side tlsClient(EventLoopGroup group, InetSocketAddress to, Function<Channel, SslHandler>
      handlers) {
    Side side = new Side();
    new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            SslHandler ssl = handlers.apply(c);
            side.engine = ssl.engine();
            ssl.handshakeFuture().addListener(f -> {
              if (f.isSuccess()) {
                c.writeAndFlush(Unpooled.wrappedBuffer(PING));
              } else {
                side.result.completeExceptionally(f.cause());
              }
            });
            c.pipeline().addLast(ssl, new Probe(side, ssl));
          }
        })
        .connect(to)
        .addListener(f -> {
          if (!f.isSuccess()) {
            side.result.completeExceptionally(f.cause());
          }
        });
    return side;
  }

  /** Connects without TLS, sends {@code bytes}, and completes when the server closes. */
  static CompletableFuture<Void> plainClient(EventLoopGroup group, InetSocketAddress to,
      byte[] bytes) {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(new ChannelInboundHandlerAdapter() {
          @Override
          public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes));
          }

          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
          }

          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // e.g. a reset from the server: it closed, which is what we wait for
          }

          @Override
          public void channelInactive(ChannelHandlerContext ctx) {
            closed.complete(null);
          }
        })
        .connect(to);
    return closed;
  }

  /** Server end: echoes bytes; the side succeeds on the first bytes after the handshake. */
  private static final class Echo extends ChannelInboundHandlerAdapter {
    private final Side side;
    private final SslHandler ssl;

    Echo(Side side, SslHandler ssl) {
      this.side = side;
      this.ssl = ssl;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      side.result.complete(ssl.engine().getSession());
      ctx.writeAndFlush(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      side.result.completeExceptionally(cause);
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      side.result.completeExceptionally(new ClosedChannelException());
    }
  }

  /** Client end: succeeds once "ping" has come back. */
  private static final class Probe extends ChannelInboundHandlerAdapter {
    private final Side side;
    private final SslHandler ssl;
    private int echoed;

    Probe(Side side, SslHandler ssl) {
      this.side = side;
      this.ssl = ssl;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      echoed += ((ByteBuf) msg).readableBytes();
      ReferenceCountUtil.release(msg);
      if (echoed >= PING.length) {
        side.result.complete(ssl.engine().getSession());
        ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      side.result.completeExceptionally(cause);
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      side.result.completeExceptionally(new ClosedChannelException());
    }
  }
}
