package dev.ftcp.bench.peer;

import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.Listener;
import dev.ftcp.Options;
import dev.ftcp.bench.Heap;
import dev.ftcp.bench.ftcp.FtcpConfig;
import dev.ftcp.bench.ftcp.FtcpScenarios;
import dev.ftcp.bench.netty.EchoHandler;
import dev.ftcp.bench.netty.RawFrameDecoder;
import dev.ftcp.bench.netty.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child process of {@link PeerProcess}: an echo server, ftcp in one of its configurations
 * (the key of an {@link FtcpConfig}: "ftcp", "ftcp-direct" ...) or raw Netty ("netty"), on
 * 127.0.0.1.
 * Prints {@code PORT <n>} once listening, then answers {@code HEAP} and {@code COUNT} lines
 * on stdin until {@code QUIT} or end of input.
 */
public final class Peer {
  private Peer() {}

  /** An echo server the peer runs. */
  private interface Server extends AutoCloseable {
    int port();

    int connections();

    @Override
    void close();
  }

  public static void main(String impl) throws Exception {
    try (Server server = impl.equals("netty") ? netty() : ftcp(FtcpConfig.of(impl))) {
      System.out.println("PORT " + server.port());
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        switch (line.trim()) {
          case "HEAP":
            System.out.println("HEAP " + Heap.usedAfterGc());
            break;
          case "COUNT":
            System.out.println("COUNT " + server.connections());
            break;
          case "QUIT":
            return;
          default:
            System.out.println("ERROR unknown command " + line);
        }
        System.out.flush();
      }
    }
  }

  /**
   * ftcp's side: an accepting thread; each connection is read with {@code Reader.readAsync}
   * and answered on the callback executor (with "ftcp-direct" a direct one, so on the I/O
   * thread), so no connection holds a thread.
   */
  private static Server ftcp(FtcpConfig config) throws IOException {
    Options options = FtcpScenarios.options(false, true, config);
    Listener listener = Ftcp.listen("127.0.0.1:0", options);
    AtomicInteger count = new AtomicInteger();
    Queue<Conn> conns = new ConcurrentLinkedQueue<>();
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          Conn c = listener.accept();
          conns.add(c);
          count.incrementAndGet();
          FtcpScenarios.echoAsync(c, c.reader());
        }
      } catch (IOException e) {
        // the listener closed: the end of the run
      }
    }, "ftcp-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    return new Server() {
      @Override
      public int port() {
        return listener.address().getPort();
      }

      @Override
      public int connections() {
        return count.get();
      }

      @Override
      public void close() {
        listener.close();
        conns.forEach(Conn::close);
      }
    };
  }

  /** Raw Netty's side: {@link EchoHandler} on one event loop. */
  private static Server netty() throws InterruptedException {
    EventLoopGroup group = Transport.group(1, "peer");
    AtomicInteger count = new AtomicInteger();
    ChannelHandler counter = new Counter(count);
    Channel server = new ServerBootstrap()
        .group(group)
        .channel(Transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 4096)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new RawFrameDecoder(), new EchoHandler(), counter);
          }
        })
        .bind("127.0.0.1", 0).sync().channel();
    return new Server() {
      @Override
      public int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
      }

      @Override
      public int connections() {
        return count.get();
      }

      @Override
      public void close() {
        server.close().awaitUninterruptibly();
        Transport.shutdown(group);
      }
    };
  }

  @ChannelHandler.Sharable
  private static final class Counter extends ChannelInboundHandlerAdapter {
    private final AtomicInteger count;

    Counter(AtomicInteger count) {
      this.count = count;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      count.incrementAndGet();
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      count.decrementAndGet();
      ctx.fireChannelInactive();
    }

    /** Clients closing mid-reply (the end of a run) reset connections: expected, not news. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
