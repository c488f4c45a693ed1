package dev.ftcp.internal.conn;

import dev.ftcp.Options;
import dev.ftcp.internal.IoGroup;
import dev.ftcp.internal.codec.FrameDecoder;
import dev.ftcp.internal.tls.TlsHandlers;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;

/**
 * The channel of a connection: socket options, and the pipeline every channel of a connection
 * gets: TLS where configured, then {@link ConnHandler}, which decodes and keeps the write and
 * idle timeouts. A redial builds a fresh pipeline. Stateless; runs on the channel's event loop.
 */
final class Pipelines {
  /**
   * How much each socket read takes, shared by every channel: the allocator is stateless (each
   * channel's handle keeps its own guess), and Netty's default makes one per channel. Up to 16
   * reads per readiness, as Netty gives a TCP channel's own: an allocator set by hand starts at
   * one, which cut one-way 1 KiB with resumable sessions to a quarter.
   */
  static final RecvByteBufAllocator RECV_ALLOCATOR = recvAllocator();

  private static RecvByteBufAllocator recvAllocator() {
    AdaptiveRecvByteBufAllocator a = new AdaptiveRecvByteBufAllocator();
    a.maxMessagesPerRead(MAX_READS_PER_READINESS);
    return a;
  }

  /** Netty's own for a TCP channel ({@code ChannelMetadata}'s default). */
  static final int MAX_READS_PER_READINESS = 16;

  /** Where a channel stops taking writes (and where it takes them again). */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);


  private Pipelines() {}

  /**
   * A bootstrap for one channel of a client, on its event loop, to {@code peer} (for TLS: its
   * host name), its events going to {@code events}.
   */
  static Bootstrap client(Options options, EventLoop loop, InetSocketAddress peer,
      LinkEvents events) {
    return new Bootstrap()
        .group(loop)
        .channel(IoGroup.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, options.keepAlive())
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .option(ChannelOption.RCVBUF_ALLOCATOR, RECV_ALLOCATOR)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0) // ClientDialing times the connect
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            init(ch, options, true, peer, events);
          }
        });
  }

  /** Builds the pipeline of one channel of a client ({@code client}) or server connection. */
  static void init(Channel ch, Options options, boolean client, InetSocketAddress peer,
      LinkEvents events) {
    ChannelPipeline p = ch.pipeline();
    if (options.tls() != null) {
      p.addLast("tls", client
          ? TlsHandlers.newClientHandler(options.tls(), ch.alloc(), peer.getHostString(),
              peer.getPort())
          : TlsHandlers.newServerHandler(options.tls(), ch.alloc()));
    }
    FrameDecoder decoder = new FrameDecoder(options.bigFrames(), options.maxFrameLength());
    p.addLast("ftcp", new ConnHandler(events, decoder, options, !client));
  }

  /**
   * Moves a server channel to another event loop (a resumed session's), then runs {@code then}
   * there. The pipeline moves as it is: a timeout's check that fires on the old loop hands
   * itself to the new one. The channel must be quiet: a resuming client sends nothing until the
   * server's WELCOME.
   */
  static void moveTo(Channel ch, EventLoop loop, Runnable then) {
    ch.deregister().addListener(off -> {
      if (!off.isSuccess()) {
        ch.close();
        return;
      }
      loop.register(ch).addListener(on -> {
        if (!on.isSuccess()) {
          ch.unsafe().closeForcibly();
          return;
        }
        then.run();
      });
    });
  }

  /**
   * Socket reads resumed after a pause (full buffers): the idle timeout starts again from now,
   * so that a peer gets a whole idleTimeout to speak after the pause, as the time paused says
   * nothing of it.
   */
  static void readingResumed(Channel ch) {
    ConnHandler.readingResumed(ch);
  }
}
