package dev.ftcp.internal.conn;

import dev.ftcp.internal.time.Clock;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;

/**
 * How a connection closes once {@code close()} was called: it sends what is queued, ends its
 * direction of the stream (after TLS close_notify), reads on until the peer ends its own, and
 * closes the channel; all within {@code closeLinger}, after which it closes outright. A client
 * that is redialing when close() is called goes on redialing for up to closeLinger while
 * messages are queued, so they can still go out.
 *
 * <p>Threads: the connection's event loop, like the linger timer. Cost: one timer per close.
 */
final class CloseSequence {
  private final RealConn conn;
  private final Clock clock;
  private final long lingerNanos;
  private Clock.Cancellable lingerTimer; // event loop
  private boolean outputShut; // event loop: our end of stream has been sent

  CloseSequence(RealConn conn, Clock clock, long lingerNanos) {
    this.conn = conn;
    this.clock = clock;
    this.lingerNanos = lingerNanos;
  }

  /** Event loop: close() was called; begins the sequence. */
  void start() {
    if (!conn.isClosing()) {
      return;
    }
    if (conn.channel() == null) {
      if (conn.redialsWithQueue()) {
        // Redialing with messages queued: go on for up to closeLinger, so that they can still
        // be sent (the connection drains them when a channel is ready, then closes).
        startLinger();
        return;
      }
      // Nothing queued, or a server connection still in its TLS handshake.
      conn.abandonDial();
      conn.terminate(RealConn.CLOSED, null);
      return;
    }
    conn.writer().drain();
    if (conn.isClosing()) {
      startLinger();
    }
  }

  private void startLinger() {
    if (lingerTimer == null) {
      lingerTimer = clock.schedule(this::lingerEnded, lingerNanos, conn.loop);
    }
  }

  /** Whether the linger runs: a close that waits for queued messages to go out. */
  boolean lingering() {
    return lingerTimer != null;
  }

  /** Event loop, while closing: after writes, ends our direction once everything went out. */
  void afterWrite() {
    if (conn.writer().isIdle()) {
      shutdownOutput();
    }
  }

  /**
   * Everything queued has been taken by the kernel: end our direction of the stream (after
   * close_notify under TLS) and keep reading until the peer ends its own, or until
   * closeLinger. Closing outright instead would send a reset whenever a reply is in flight
   * towards us, and a reset makes the peer's kernel drop what its application had not read
   * yet: the last messages we sent.
   */
  private void shutdownOutput() {
    Channel ch = conn.channel();
    if (ch == null) {
      if (conn.isClosing()) {
        conn.terminate(RealConn.CLOSED, null);
      }
      return;
    }
    if (outputShut) {
      return;
    }
    outputShut = true;
    if (!(ch instanceof DuplexChannel)) {
      ch.close();
      return;
    }
    if (!ch.config().isAutoRead()) {
      ch.config().setAutoRead(true); // the peer's end of stream must be read to be seen
    }
    conn.sayBye(ch);
    SslHandler ssl = ch.pipeline().get(SslHandler.class);
    ChannelFuture notified = ssl != null ? ssl.closeOutbound() : ch.newSucceededFuture();
    notified.addListener(f -> ((DuplexChannel) ch).shutdownOutput().addListener(done -> {
      if (!done.isSuccess()) {
        ch.close();
      }
    }));
  }

  /** Event loop: whether our end of stream has been sent (nothing more may be written). */
  boolean outputShut() {
    return outputShut;
  }

  private void lingerEnded() {
    Channel ch = conn.channel();
    if (ch != null) {
      ch.close();
    } else if (conn.isClosing()) {
      conn.abandonDial(); // the linger ended while redialing
      conn.terminate(RealConn.CLOSED, null);
    }
  }

  /** The connection has ended. */
  void cancel() {
    Clock.Cancellable t = lingerTimer;
    if (t != null) {
      t.cancel();
    }
  }
}
