package dev.ftcp.internal.conn.session;

import dev.ftcp.FrameFormatException;
import dev.ftcp.Message;
import dev.ftcp.internal.codec.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The control frames of resumable sessions (docs/PROTOCOL.md §14.1): ordinary ftcp frames with
 * ID 0, which a writer never sends (ID 0 asks for the next of the sequence), their type in the
 * RepID slot and a fixed little-endian body. Stateless.
 */
public final class Control {
  /** Client to server, the first frame on every link: the session to resume, or none. */
  public static final long HELLO = 1;
  /** Server to client, the answer to {@link #HELLO}. */
  public static final long WELCOME = 2;
  /** Either way: how many data messages of the session the sender has received. */
  public static final long ACK = 3;
  /** Client to server, before it ends its stream on close: the session is over, do not wait. */
  public static final long BYE = 4;

  public static final int VERSION = 1;
  public static final int TOKEN_BYTES = 16;

  /** A new session began: no token was offered. */
  public static final int NEW = 0;
  /** The session offered was resumed. */
  public static final int RESUMED = 1;
  /** The session offered is unknown (expired, or the server restarted): a new one began. */
  public static final int LOST = 2;

  private static final int HELLO_BYTES = 2 + TOKEN_BYTES + 8;
  private static final int ACK_BYTES = 8;

  private Control() {}

  /** Whether a received message is a control frame (only where sessions are on). */
  public static boolean is(Message m) {
    return m.id() == 0;
  }

  /** A HELLO or WELCOME body: version, flag or outcome, token, received count. */
  public static ByteBuf handshake(ByteBufAllocator alloc, long type, int outcome, byte[] token,
      long received, int prefix) {
    ByteBuffer body = ByteBuffer.allocate(HELLO_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    body.put((byte) VERSION).put((byte) outcome).put(token).putLong(received);
    return frame(alloc, type, body.array(), prefix);
  }

  /** A BYE frame. */
  public static ByteBuf bye(ByteBufAllocator alloc, int prefix) {
    return frame(alloc, BYE, new byte[0], prefix);
  }

  /** An ACK frame. */
  public static ByteBuf ack(ByteBufAllocator alloc, long received, int prefix) {
    byte[] body = ByteBuffer.allocate(ACK_BYTES).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(received).array();
    return frame(alloc, ACK, body, prefix);
  }

  private static ByteBuf frame(ByteBufAllocator alloc, long type, byte[] body, int prefix) {
    ByteBuf buf = alloc.ioBuffer(FrameCodec.frameSize(body.length, prefix));
    FrameCodec.encode(buf, 0, type, body, prefix);
    return buf;
  }

  /** A received HELLO or WELCOME. */
  public record Handshake(int outcome, byte[] token, long received) {}

  /**
   * Reads a HELLO or WELCOME body.
   *
   * @throws FrameFormatException when it is not one of this version
   */
  public static Handshake readHandshake(Message m) throws FrameFormatException {
    byte[] d = m.data();
    if (d.length != HELLO_BYTES || d[0] != VERSION) {
      throw new FrameFormatException("session handshake of " + d.length + " bytes, version "
          + (d.length > 0 ? d[0] : -1) + ": expected " + HELLO_BYTES + " bytes, version "
          + VERSION);
    }
    ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
    b.get();
    int outcome = b.get();
    byte[] token = new byte[TOKEN_BYTES];
    b.get(token);
    long received = b.getLong();
    if (received < 0) {
      throw new FrameFormatException("session handshake with a negative count " + received);
    }
    return new Handshake(outcome, token, received);
  }

  /**
   * Reads an ACK body.
   *
   * @throws FrameFormatException when it is not 8 bytes of a count
   */
  public static long readAck(Message m) throws FrameFormatException {
    byte[] d = m.data();
    long n = d.length == ACK_BYTES
        ? ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).getLong() : -1;
    if (n < 0) {
      throw new FrameFormatException("session ACK of " + d.length + " bytes: expected a count"
          + " of " + ACK_BYTES);
    }
    return n;
  }
}
