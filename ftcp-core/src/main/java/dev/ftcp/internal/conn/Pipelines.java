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
import java.util.function.Supplier;

/**
 * The channel of a connection: socket options, and the pipeline every channel of a connection
 * gets (TLS, write timeout, frame decoder, idle timeout, {@link ConnHandler}). A redial builds a
 * fresh pipeline. Stateless; runs on the channel's event loop.
 */
final class Pipelines {
  /** Where a channel stops taking writes (and where it takes them again). */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

  private static final String WRITE_TIMEOUT = "writeTimeout";
  private static final String FRAMES = "frames";
  private static final String IDLE = "idle";

  private Pipelines() {}

  /**
   * A bootstrap for a client's channels, on its event loop; {@code peer} names the server each
   * new channel goes to (for TLS: its host name), {@code events} makes its handler.
   */
  static Bootstrap client(Options options, EventLoop loop, Supplier<InetSocketAddress> peer,
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
            init(ch, options, true, peer.get(), events.apply(ch));
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
    if (options.writeTimeout().toNanos() > 0) {
      p.addLast(WRITE_TIMEOUT, writeTimeout(options));
    }
    FrameDecoder decoder = new FrameDecoder(options.bigFrames(), options.maxFrameLength());
    p.addLast(FRAMES, decoder);
    if (!client && options.idleTimeout().toNanos() > 0) {
      // After the decoder: only whole messages count, so a peer that trickles a frame in a
      // byte at a time (a slowloris) is as idle as a silent one.
      p.addLast(IDLE, idleTimeout(options));
    }
    p.addLast("ftcp", new ConnHandler(events, decoder, options));
  }

  private static IdleStateHandler writeTimeout(Options options) {
    return new IdleStateHandler(true, 0, options.writeTimeout().toNanos(), 0,
        TimeUnit.NANOSECONDS);
  }

  private static IdleStateHandler idleTimeout(Options options) {
    return new IdleStateHandler(options.idleTimeout().toNanos(), 0, 0, TimeUnit.NANOSECONDS);
  }

  /**
   * Moves a server channel to another event loop (a resumed session's), then runs {@code then}
   * there. The timeout handlers, whose timers belong to the old loop, are taken out for the move
   * and put back new; the rest of the pipeline moves as it is. The channel must be quiet: a
   * resuming client sends nothing until the server's WELCOME.
   */
  static void moveTo(Channel ch, EventLoop loop, Options options, Runnable then) {
    ChannelPipeline p = ch.pipeline();
    boolean write = p.get(WRITE_TIMEOUT) != null;
    boolean idle = p.get(IDLE) != null;
    if (write) {
      p.remove(WRITE_TIMEOUT);
    }
    if (idle) {
      p.remove(IDLE);
    }
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
        if (write) {
          p.addBefore(FRAMES, WRITE_TIMEOUT, writeTimeout(options));
        }
        if (idle) {
          p.addAfter(FRAMES, IDLE, idleTimeout(options));
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
    if (ch.pipeline().get(IDLE) instanceof IdleStateHandler) {
      ((IdleStateHandler) ch.pipeline().get(IDLE)).resetReadTimeout();
    }
  }
}
