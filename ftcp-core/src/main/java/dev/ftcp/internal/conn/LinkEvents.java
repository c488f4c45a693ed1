package dev.ftcp.internal.conn;

import dev.ftcp.Message;
import io.netty.channel.Channel;

/**
 * What happens on one channel of a connection, as {@link ConnHandler} reports it: the
 * connection's {@link ConnLink} implements it (a resumable listener's {@link ServerHandshake}
 * before the channel joins a session), and tests implement it to watch a pipeline alone. Event
 * loop only.
 */
interface LinkEvents {
  /** The channel is usable: connected and, with TLS, the handshake is done. */
  void onReady(Channel ch);

  /** One decoded message. */
  void onMessage(Message m);

  /** The end of one socket read. */
  void onReadComplete();

  /** The channel has room for writes again. */
  void onWritable();

  /** The channel closed, with the failure that closed it. */
  void onChannelClosed(Channel ch, Throwable cause);

  /** Whether reads are paused by full buffers (then silence says nothing of the peer). */
  boolean readingPaused();
}
