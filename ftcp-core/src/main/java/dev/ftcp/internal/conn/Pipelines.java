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
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The channel of a connection: socket options, and the pipeline every channel of a connection
 * gets (TLS, write timeout, frame decoder, idle timeout, {@link ConnHandler}). A redial builds a
 * fresh pipeline. Stateless; runs on the channel's event loop.
 */
final class Pipelines {
  /** Where a channel stops taking writes (and where it takes them again). */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

  private Pipelines() {}

  /**
   * A bootstrap for a client's channels, on its event loop; {@code events} makes the handler
   * of each new channel.
   */
  static Bootstrap client(Options options, EventLoop loop, InetSocketAddress peer,
      Function<Channel, LinkEvents> events) {
    return new Bootstrap()
        .group(loop)
        .channel(IoGroup.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, options.keepAlive())
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()))
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            init(ch, options, true, peer, events.apply(ch));
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
    long idle = client ? 0 : options.idleTimeout().toNanos();
    long writeTimeout = options.writeTimeout().toNanos();
    if (writeTimeout > 0) {
      p.addLast("writeTimeout",
          new IdleStateHandler(true, 0, writeTimeout, 0, TimeUnit.NANOSECONDS));
    }
    FrameDecoder decoder = new FrameDecoder(options.bigFrames(), options.maxFrameLength());
    p.addLast("frames", decoder);
    if (idle > 0) {
      // After the decoder: only whole messages count, so a peer that trickles a frame in a
      // byte at a time (a slowloris) is as idle as a silent one.
      p.addLast("idle", new IdleStateHandler(idle, 0, 0, TimeUnit.NANOSECONDS));
    }
    p.addLast("ftcp", new ConnHandler(events, decoder, options));
  }

  /**
   * Socket reads resumed after a pause (full buffers): the idle timeout starts again from now,
   * so that a peer gets a whole idleTimeout to speak after the pause, as the time paused says
   * nothing of it.
   */
  static void readingResumed(Channel ch) {
    if (ch.pipeline().get("idle") instanceof IdleStateHandler) {
      ((IdleStateHandler) ch.pipeline().get("idle")).resetReadTimeout();
    }
  }
}
