package dev.ftcp.bench.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The Netty transport the baselines use: epoll where its native library loads (as a user
 * tuning for Linux would), NIO otherwise. Thread-safe.
 */
public final class Transport {
  public static final boolean EPOLL = Epoll.isAvailable();

  private Transport() {}

  public static String name() {
    return EPOLL ? "epoll" : "nio";
  }

  /** An event loop group of {@code threads} daemon threads named after {@code name}. */
  public static EventLoopGroup group(int threads, String name) {
    IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
  }

  public static Class<? extends ServerChannel> serverChannel() {
    return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public static Class<? extends SocketChannel> channel() {
    return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /** Shuts groups down without the default two-second quiet period, and waits for them. */
  public static void shutdown(EventLoopGroup... groups) {
    for (EventLoopGroup g : groups) {
      if (g != null) {
        g.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      }
    }
    for (EventLoopGroup g : groups) {
      if (g != null) {
        g.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    }
  }
}
