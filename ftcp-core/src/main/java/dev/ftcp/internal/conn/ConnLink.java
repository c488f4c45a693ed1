package dev.ftcp.internal.conn;

import dev.ftcp.ConnStateListener;
import dev.ftcp.ConnectionClosedException;
import dev.ftcp.FrameFormatException;
import dev.ftcp.Message;
import io.netty.channel.Channel;

/**
 * A connection's link: which channel carries it (one opening, one ready, or none), and what each
 * channel's events mean for the connection: a ready channel starts the flow and tells
 * {@code connected} or {@code redialed}; a closed one ends a server connection, detaches a
 * resumable server session, or starts a client's redial. The pipeline's {@link ConnHandler}
 * reports to it.
 *
 * <p>Threads: the connection's event loop; {@link #channel()} from any thread. Cost: nothing
 * per message but the forwarding call.
 */
final class ConnLink implements LinkEvents {
  private final RealConn conn;
  private final boolean client;
  private volatile Channel channel; // the ready channel; null while dialing or after the end
  private Channel connecting; // event loop: a channel opening, not yet ready
  private boolean everReady; // event loop
  private volatile long redials;

  ConnLink(RealConn conn, boolean client) {
    this.conn = conn;
    this.client = client;
  }

  /** The ready channel; null while dialing, detached or after the end. */
  Channel channel() {
    return channel;
  }

  boolean everReady() {
    return everReady;
  }

  long redials() {
    return redials;
  }

  /** Event loop: {@code ch} opens for this connection (a dial attempt, an accepted channel). */
  void opening(Channel ch) {
    connecting = ch;
  }

  /** A dial attempt's channel failed to open: true if it is still the attempt in progress. */
  boolean openingFailed(Channel ch) {
    if (ch != connecting) {
      return false;
    }
    connecting = null;
    return true;
  }

  /** Event loop: closes a channel that is still opening (a dial, a server's TLS handshake). */
  void abandonOpening() {
    if (connecting != null) {
      connecting.close();
    }
  }

  /** The connection has ended: no channel carries it any more. */
  void ended() {
    channel = null;
  }

  @Override
  public void onReady(Channel ch) {
    if (ch != connecting) {
      ch.close();
      return;
    }
    ResumableSession session = conn.session();
    if (client && session != null && session.needsHandshake(ch) && !conn.ended()) {
      session.hello(ch); // the channel carries data once the server's WELCOME came
      return;
    }
    connecting = null;
    if (conn.ended()) {
      ch.close();
      return;
    }
    channel = ch;
    conn.inbound().channelReady(ch);
    boolean first = !everReady;
    everReady = true;
    if (client) {
      int attempts = conn.dialing().ready(first, conn.inbound().receivedOnLoop());
      if (!first) {
        redials++;
        conn.tell((l, c) -> l.redialed(c, attempts));
      }
      if (session != null) {
        session.tellOutcome();
      }
    }
    if (first) {
      conn.tell(ConnStateListener::connected);
      conn.readyDone();
    }
    conn.writer().channelReady();
    if (conn.isClosing()) {
      conn.closer().start();
    }
  }

  @Override
  public void onMessage(Message m) {
    conn.inbound().onMessage(m);
  }

  @Override
  public void onReadComplete() {
    conn.inbound().onReadComplete();
  }

  @Override
  public void onWritable() {
    conn.writer().drain();
  }

  @Override
  public boolean readingPaused() {
    return conn.inbound().readingPaused();
  }

  @Override
  public void onChannelClosed(Channel ch, Throwable cause) {
    if (ch == connecting) {
      connecting = null;
      Throwable why = cause != null ? cause : new ConnectionClosedException("connection to "
          + conn.peerName() + " closed while opening");
      if (client) {
        conn.dialing().attemptFailed(why);
      } else {
        conn.firstDialFailed(why);
      }
      return;
    }
    if (ch != channel) {
      return;
    }
    channel = null;
    if (conn.isClosing()) {
      conn.terminate(RealConn.CLOSED, null);
      return;
    }
    if (!conn.isOpen()) {
      return;
    }
    Throwable why = cause != null ? cause
        : new ConnectionClosedException("connection closed by " + conn.peerName());
    conn.tell((l, c) -> l.disconnected(c, why));
    ResumableSession session = conn.session();
    if (!client) {
      if (session != null && !session.peerClosed()) {
        session.detached(); // readers wait and writes queue while the client comes back
      } else {
        conn.terminate(RealConn.FAILED, why);
      }
      return;
    }
    conn.dialing().linkLost(why, conn.inbound().receivedOnLoop());
  }

  /**
   * Server, event loop: the session's client came back on {@code ch} (registered on this
   * connection's event loop), having received {@code clientReceived} of the session's messages.
   */
  void resumeOn(Channel ch, long clientReceived) {
    if (!conn.isOpen()) {
      ch.close(); // the session ended meanwhile: the client finds out and begins a new one
      return;
    }
    if (!ch.isActive()) {
      return; // the client left again during the move: the session still waits for it
    }
    Channel old = channel;
    if (old != null) { // the client found its link broken before this side did
      channel = null;
      old.close();
    }
    ch.pipeline().get(ConnHandler.class).retarget(this);
    if (!conn.session().resume(ch, clientReceived)) {
      ConnHandler.fail(ch, new FrameFormatException("the client says it received "
          + clientReceived + " messages of the session, which this side did not send"));
      return;
    }
    connecting = ch;
    onReady(ch);
    conn.tell(ConnStateListener::resumed);
  }

  /** Server, event loop: a detached session's resume timeout passed. */
  void expire(Throwable cause) {
    if (channel == null && conn.isOpen()) {
      conn.terminate(RealConn.FAILED, cause);
    }
  }
}
