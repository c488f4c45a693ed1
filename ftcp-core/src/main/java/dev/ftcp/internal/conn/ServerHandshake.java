package dev.ftcp.internal.conn;

import dev.ftcp.FrameFormatException;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.internal.Durations;
import dev.ftcp.internal.conn.session.Control;
import dev.ftcp.internal.time.Clock;
import dev.ftcp.internal.time.SystemClock;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A resumable listener's new channel before it belongs to a session: waits, up to
 * {@code connectTimeout}, for the client's HELLO (docs/PROTOCOL.md §14.1), then hands the
 * channel to its listener, which begins a session or resumes one. A client that says anything
 * else, or nothing, is closed with a log line saying why.
 *
 * <p>Threads: the channel's event loop. Cost: one timer per new channel.
 */
final class ServerHandshake implements LinkEvents {
  private static final Logger log = LoggerFactory.getLogger(ServerHandshake.class);

  /** Where a HELLO goes: the listener. */
  interface Sessions {
    /**
     * A client said HELLO on {@code ch}; {@code identity} is its certificate, or null. The
     * channel is the listener's from now on: its place under maxConnections too.
     */
    void hello(Channel ch, Control.Handshake hello, byte[] identity);
  }

  private final Channel ch;
  private final Sessions sessions;
  private final Options options;
  private final Runnable release; // gives back the channel's place under maxConnections
  private Clock.Cancellable timer;
  private boolean decided;
  private boolean handedOver;
  private boolean released;

  ServerHandshake(Channel ch, Sessions sessions, Options options, Runnable release) {
    this.ch = ch;
    this.sessions = sessions;
    this.options = options;
    this.release = release;
  }

  @Override
  public void onReady(Channel ready) {
    timer = SystemClock.INSTANCE.schedule(() -> {
      if (!decided) {
        refuse("no resumable-session handshake within "
            + Durations.human(options.connectTimeout()));
      }
    }, options.connectTimeout().toNanos(), ch.eventLoop());
  }

  /** The first message decides; a client sends nothing more before the server's WELCOME. */
  @Override
  public void onMessage(Message m) {
    if (decided) {
      return;
    }
    if (!Control.is(m) || m.repId() != Control.HELLO) {
      refuse("its first message was not the resumable-session handshake");
      return;
    }
    Control.Handshake hello;
    try {
      hello = Control.readHandshake(m);
    } catch (FrameFormatException e) {
      refuse(e.getMessage());
      return;
    }
    decided = true;
    handedOver = true;
    cancel();
    sessions.hello(ch, hello, identity(ch));
  }

  private void refuse(String why) {
    decided = true;
    cancel();
    log.info("closing the connection from {}: {} (is the client resumable? Options.resumable on"
        + " both ends)", ConnHandler.hostPort(ch.remoteAddress()), why);
    ch.close();
  }

  /** The client's certificate under mutual TLS, which a resume must present again; or null. */
  private static byte[] identity(Channel ch) {
    SslHandler ssl = ch.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
      return chain.length > 0 ? chain[0].getEncoded() : null;
    } catch (SSLPeerUnverifiedException | CertificateEncodingException e) {
      return null;
    }
  }

  @Override
  public void onReadComplete() {}

  @Override
  public void onWritable() {}

  @Override
  public boolean readingPaused() {
    return false;
  }

  @Override
  public void onChannelClosed(Channel closed, Throwable cause) {
    cancel();
    decided = true;
    if (!handedOver && !released) {
      released = true;
      release.run();
    }
  }

  private void cancel() {
    Clock.Cancellable t = timer;
    timer = null;
    if (t != null) {
      t.cancel();
    }
  }
}
