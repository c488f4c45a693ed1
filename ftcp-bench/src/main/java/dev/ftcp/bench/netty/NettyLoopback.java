package dev.ftcp.bench.netty;

import dev.ftcp.bench.Tls;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * A raw Netty server on 127.0.0.1 and the means to connect clients to it, each side with its
 * own one-thread event loop group (the machine has two cores; ftcp gets the same). With TLS,
 * an {@link SslHandler} goes first in both pipelines and {@link #connect} returns once the
 * handshake is done.
 */
public final class NettyLoopback implements AutoCloseable {
  private final EventLoopGroup serverGroup = Transport.group(1, "netty-server");
  private final EventLoopGroup clientGroup = Transport.group(1, "netty-client");
  private final SslContext clientSsl;
  private final Channel server;
  private final InetSocketAddress address;

  /** Starts a server whose connections get {@code serverPipeline}'s handlers (after TLS). */
  public NettyLoopback(boolean tls, Consumer<ChannelPipeline> serverPipeline) throws Exception {
    SslContext serverSsl = tls ? Tls.nettyServer() : null;
    clientSsl = tls ? Tls.nettyClient() : null;
    try {
      server = new ServerBootstrap()
          .group(serverGroup)
          .channel(Transport.serverChannel())
          .option(ChannelOption.SO_BACKLOG, 4096)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              if (serverSsl != null) {
                ch.pipeline().addLast(serverSsl.newHandler(ch.alloc()));
              }
              serverPipeline.accept(ch.pipeline());
              ch.pipeline().addLast(PeerGone.INSTANCE);
            }
          })
          .bind("127.0.0.1", 0).sync().channel();
      address = (InetSocketAddress) server.localAddress();
    } catch (Exception e) {
      Transport.shutdown(serverGroup, clientGroup);
      throw e;
    }
  }

  public InetSocketAddress address() {
    return address;
  }

  /** One client connection, ready to use (handshake done with TLS). */
  public Channel connect(Consumer<ChannelPipeline> clientPipeline) throws Exception {
    return connect(1, (p, i) -> clientPipeline.accept(p)).get(0);
  }

  /** Builds the pipeline of the {@code index}th of several client connections. */
  @FunctionalInterface
  public interface IndexedPipeline {
    void build(ChannelPipeline pipeline, int index);
  }

  /**
   * {@code n} client connections, at most 128 connecting at a time so the listener's backlog
   * never overflows into SYN retries (which would stall a connect for a second).
   */
  public List<Channel> connect(int n, IndexedPipeline clientPipeline) throws Exception {
    return connect(address, clientGroup, clientSsl, n, clientPipeline);
  }

  /** As {@link #connect(int, IndexedPipeline)}, to any server, on the given group. */
  public static List<Channel> connect(InetSocketAddress to, EventLoopGroup group,
      SslContext ssl, int n, IndexedPipeline clientPipeline) throws Exception {
    List<Channel> channels = new ArrayList<>(n);
    List<ChannelFuture> window = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      window.add(new Bootstrap()
          .group(group)
          .channel(Transport.channel())
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              if (ssl != null) {
                ch.pipeline().addLast(ssl.newHandler(ch.alloc(), Tls.HOST, to.getPort()));
              }
              clientPipeline.build(ch.pipeline(), index);
            }
          })
          .connect(to));
      if (window.size() == 128 || i == n - 1) {
        for (ChannelFuture f : window) {
          Channel ch = f.sync().channel();
          SslHandler tls = ch.pipeline().get(SslHandler.class);
          if (tls != null) {
            tls.handshakeFuture().sync();
          }
          channels.add(ch);
        }
        window.clear();
      }
    }
    return channels;
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    Transport.shutdown(clientGroup, serverGroup);
  }

  /**
   * Last in every server connection's pipeline: a client that closes at the end of a run may
   * reset the connection while the server still reads (an I/O error), and the server then only
   * closes its side. Any other exception, TLS errors included, goes on to Netty's tail, which
   * logs it.
   */
  @ChannelHandler.Sharable
  private static final class PeerGone extends ChannelInboundHandlerAdapter {
    static final PeerGone INSTANCE = new PeerGone();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof IOException && !(cause instanceof SSLException)) {
        ctx.close();
      } else {
        ctx.fireExceptionCaught(cause);
      }
    }
  }
}
