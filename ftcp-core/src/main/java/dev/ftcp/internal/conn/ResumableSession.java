package dev.ftcp.internal.conn;

import dev.ftcp.ConnStateListener;
import dev.ftcp.FrameFormatException;
import dev.ftcp.FtcpException;
import dev.ftcp.FtcpTimeoutException;
import dev.ftcp.Message;
import dev.ftcp.internal.Durations;
import dev.ftcp.internal.codec.FrameCodec;
import dev.ftcp.internal.conn.read.SessionHooks;
import dev.ftcp.internal.conn.session.Control;
import dev.ftcp.internal.conn.write.BatchWriter;
import dev.ftcp.internal.time.Clock;
import io.netty.channel.Channel;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A connection's resumable session (docs/PROTOCOL.md §14.1): its token, the count of data
 * messages received, the acknowledgements, and the handshake on each link. On a client, every
 * channel says HELLO before it carries data and waits for WELCOME, then the session goes on
 * from what each side had received (or begins again if the server lost it). On a server, the
 * session outlives its link for {@code resumeTimeout}, and its client's next channel continues
 * it.
 *
 * <p>Threads: the connection's event loop. Cost: a count per message received, and one ACK
 * frame per read batch that received data.
 */
final class ResumableSession implements SessionHooks {
  private static final SecureRandom TOKENS = new SecureRandom();
  private static final byte[] NO_TOKEN = new byte[Control.TOKEN_BYTES];
  /** How long an ACK may wait for a write to share (TCP's delayed ACK waits up to 40 ms). */
  static final long ACK_DELAY_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1);

  private final RealConn conn;
  private final BatchWriter writer;
  private final Clock clock;
  private final int prefix;
  private byte[] token; // null on a client until its first WELCOME
  private final boolean server;
  private final byte[] identity; // server: the client's certificate, or null
  private long received; // data messages of the session received
  private long ackSent; // the count the last ACK carried (sent, or waiting for a drain)
  private final long ackEvery; // within a read batch, ACK at once after this many messages
  private Clock.Cancellable ackTimer; // an ACK that no drain took is sent by this
  private final Runnable ackNow = this::ackNow;
  private Channel handshaking; // client: a channel that said HELLO and waits for WELCOME
  private Channel established; // client: the channel WELCOME came on
  private Clock.Cancellable timer; // client: the handshake's timeout; server: the expiry
  private int outcome = -1; // client: the last WELCOME's, until the connection reports it
  private long resentOnLoss;
  private volatile long resumes;
  private boolean peerSaidBye; // server: the client closed the session

  private ResumableSession(RealConn conn, BatchWriter writer, Clock clock, boolean bigFrames,
      boolean server, byte[] token, byte[] identity) {
    this.server = server;
    this.conn = conn;
    this.writer = writer;
    this.clock = clock;
    this.prefix = FrameCodec.prefixLength(bigFrames);
    this.token = token;
    this.identity = identity;
    // The peer's write queue holds what this side has not acknowledged; acknowledging a
    // quarter of a queue as deep as ours at once keeps the peer writing during long reads.
    this.ackEvery = Math.max(1, conn.options.writeQueueDepth() / 4);
  }

  static ResumableSession client(RealConn conn, BatchWriter writer, Clock clock,
      boolean bigFrames) {
    return new ResumableSession(conn, writer, clock, bigFrames, false, null, null);
  }

  /** A server's new session, with a fresh token; {@code identity} the client's certificate. */
  static ResumableSession server(RealConn conn, BatchWriter writer, Clock clock,
      boolean bigFrames, byte[] identity) {
    byte[] token = new byte[Control.TOKEN_BYTES];
    TOKENS.nextBytes(token);
    return new ResumableSession(conn, writer, clock, bigFrames, true, token, identity);
  }

  byte[] token() {
    return token;
  }

  /** Whether a client presenting {@code identity} (its certificate, or null) may resume this. */
  boolean sameIdentity(byte[] other) {
    return Arrays.equals(identity, other);
  }

  long resumes() {
    return resumes;
  }

  // Client --------------------------------------------------------------------------------

  /** Client, event loop: whether {@code ch} must say HELLO before it may carry data. */
  boolean needsHandshake(Channel ch) {
    return ch != established;
  }

  /** Client, event loop: says HELLO on a new channel and waits for WELCOME, up to a limit. */
  void hello(Channel ch) {
    handshaking = ch;
    ch.writeAndFlush(Control.handshake(ch.alloc(), Control.HELLO, 0,
        token != null ? token : NO_TOKEN, received, prefix), ch.voidPromise());
    long limit = conn.options.connectTimeout().toNanos();
    timer = clock.schedule(() -> {
      if (handshaking == ch) {
        ConnHandler.fail(ch, new FtcpException("no resumable-session handshake from "
            + conn.peerName() + " within " + Durations.human(conn.options.connectTimeout())
            + ": is the server resumable (Options.resumable)?"));
      }
    }, limit, conn.loop);
  }

  private void welcome(Channel ch, Message m) throws FrameFormatException {
    Control.Handshake w = Control.readHandshake(m);
    cancelTimer();
    handshaking = null;
    byte[] offered = token;
    if (offered != null && w.outcome() == Control.RESUMED && Arrays.equals(w.token(), offered)) {
      if (!writer.resume(w.received())) {
        throw new FrameFormatException("the server says it received " + w.received()
            + " messages of the session, which this side did not send");
      }
      resumes++;
      outcome = Control.RESUMED;
    } else {
      if (w.outcome() == Control.RESUMED || w.received() != 0) {
        throw new FrameFormatException("the server resumed a session this side did not offer");
      }
      if (offered != null) { // the server lost the session: a new one, everything again
        resentOnLoss = writer.restart();
        received = 0;
        ackSent = 0;
        outcome = Control.LOST;
      } else {
        outcome = Control.NEW;
      }
      token = w.token();
    }
    established = ch;
    conn.link().onReady(ch);
  }

  /** Client, event loop, once the connection is ready again: the events of the handshake. */
  void tellOutcome() {
    int o = outcome;
    outcome = -1;
    if (o == Control.RESUMED) {
      conn.tell(ConnStateListener::resumed);
    } else if (o == Control.LOST) {
      long n = resentOnLoss;
      conn.tell((l, c) -> l.sessionLost(c, n));
    }
  }

  // Server --------------------------------------------------------------------------------

  /** Server, event loop: answers a new session's HELLO; {@code lost} when it offered a token. */
  void welcomeNew(Channel ch, boolean lost) {
    ch.writeAndFlush(Control.handshake(ch.alloc(), Control.WELCOME,
        lost ? Control.LOST : Control.NEW, token, 0, prefix), ch.voidPromise());
  }

  /**
   * Server, event loop: the client came back on {@code ch} having received
   * {@code clientReceived}; false when that count cannot be ours (the channel is refused).
   */
  boolean resume(Channel ch, long clientReceived) {
    if (!writer.resume(clientReceived)) {
      return false;
    }
    cancelTimer();
    resumes++;
    ch.writeAndFlush(Control.handshake(ch.alloc(), Control.WELCOME, Control.RESUMED, token,
        received, prefix), ch.voidPromise());
    return true;
  }

  /** Server, event loop: whether the client closed the session (then its link's end ends it). */
  boolean peerClosed() {
    return peerSaidBye;
  }

  /**
   * Client, event loop, when close has sent everything: tells the server the session is over,
   * so that it ends it at the end of stream instead of waiting for a resume.
   */
  void bye(Channel ch) {
    ch.write(Control.bye(ch.alloc(), prefix), ch.voidPromise());
  }

  /** Server, event loop: the link broke; the session waits {@code resumeTimeout} for its client. */
  void detached() {
    long wait = conn.options.resumeTimeout().toNanos();
    timer = clock.schedule(() -> conn.link().expire(new FtcpTimeoutException("the client did not resume"
        + " its session within " + Durations.human(conn.options.resumeTimeout())
        + " (resumeTimeout)")), wait, conn.loop);
  }

  // Both ----------------------------------------------------------------------------------

  @Override
  public boolean onReceived(Message m) {
    if (handshaking != null) {
      Channel ch = handshaking;
      try {
        if (!Control.is(m) || m.repId() != Control.WELCOME) {
          throw new FtcpException("the server at " + conn.peerName() + " is not resumable: its"
              + " first message was not the session handshake (Options.resumable on both ends)");
        }
        welcome(ch, m);
      } catch (FtcpException e) {
        handshaking = null;
        cancelTimer();
        ConnHandler.fail(ch, e);
      }
      return false;
    }
    if (!Control.is(m)) {
      if (++received - ackSent >= ackEvery) {
        ackNow();
      }
      return true;
    }
    try {
      if (m.repId() == Control.BYE && server) {
        peerSaidBye = true; // a server's client closes: its end of stream ends the session
        return false;
      }
      if (m.repId() != Control.ACK) {
        throw new FrameFormatException("unexpected session control frame of type " + m.repId());
      }
      if (!writer.acked(Control.readAck(m))) {
        throw new FrameFormatException("the peer acknowledged messages this side did not send");
      }
    } catch (FrameFormatException e) {
      Channel ch = conn.channel();
      if (ch != null) {
        ConnHandler.fail(ch, e);
      }
    }
    return false;
  }

  /**
   * The end of a read batch: the ACK goes out with the next drain, so that it shares a write
   * with the reply or request the application is about to send; if no drain comes within
   * {@link #ACK_DELAY_NANOS}, the timer sends it alone.
   */
  @Override
  public void readComplete() {
    Channel ch = conn.channel();
    if (received != ackSent && ch != null) {
      ackSent = received;
      writer.ackWithNextDrain(Control.ack(ch.alloc(), received, prefix));
      if (ackTimer == null) {
        ackTimer = clock.schedule(ackNow, ACK_DELAY_NANOS, conn.loop);
      }
    }
  }

  /** Sends what was received now: the count waiting for a drain, or a new one. */
  private void ackNow() {
    ackTimer = null;
    Channel ch = conn.channel();
    if (ch == null) {
      return;
    }
    if (received != ackSent) {
      ackSent = received;
      writer.ackWithNextDrain(Control.ack(ch.alloc(), received, prefix));
    }
    if (writer.ackWaiting()) {
      writer.drain(); // writes it, with whatever else waits, and flushes
    }
  }

  /** The connection has ended. */
  void cancelTimer() {
    Clock.Cancellable t = timer;
    timer = null;
    if (t != null) {
      t.cancel();
    }
    Clock.Cancellable a = ackTimer;
    ackTimer = null;
    if (a != null) {
      a.cancel();
    }
  }
}
