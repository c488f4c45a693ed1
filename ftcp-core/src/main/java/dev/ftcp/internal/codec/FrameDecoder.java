package dev.ftcp.internal.codec;

import dev.ftcp.FrameFormatException;
import dev.ftcp.internal.Internal;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.nio.ByteOrder;
import javax.net.ssl.SSLSession;

/**
 * Turns the byte stream into {@link dev.ftcp.Message}s. Netty's
 * {@link LengthFieldBasedFrameDecoder} does the framing (accumulation, fragmented and coalesced
 * reads); this class adds what is ftcp's: the length check before anything is buffered, the
 * 16-byte minimum, and the two varint slots.
 *
 * <p>A frame longer than {@code maxFrameLength} is refused as soon as its length prefix is
 * seen, before its bytes are buffered, so a peer cannot make us allocate what it likes. After
 * the first malformed frame the decoder throws once and then swallows all further input: the
 * connection is being failed and nothing after a framing error can be trusted.
 *
 * <p>One instance per channel; used only on that channel's event loop.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
  private final int prefixLength;
  private final long maxFrameLength;
  private SSLSession session;
  private boolean failed;

  /**
   * @param maxFrameLength largest accepted frame length N, not counting the prefix: 16 ..
   *     {@link FrameCodec#MAX_FRAME_LENGTH}. Above that, N plus the prefix would pass our check
   *     and then trip Netty's own limit, which reports something other than a framing error.
   * @throws IllegalArgumentException when {@code maxFrameLength} is outside that range
   */
  public FrameDecoder(boolean bigFrames, int maxFrameLength) {
    super(
        ByteOrder.LITTLE_ENDIAN,
        Integer.MAX_VALUE, // our own check below runs first and is exact
        0,
        FrameCodec.prefixLength(bigFrames),
        0,
        FrameCodec.prefixLength(bigFrames),
        true);
    if (maxFrameLength < FrameCodec.SLOTS_LENGTH || maxFrameLength > FrameCodec.MAX_FRAME_LENGTH) {
      throw new IllegalArgumentException("maxFrameLength must be in " + FrameCodec.SLOTS_LENGTH
          + ".." + FrameCodec.MAX_FRAME_LENGTH + ", was " + maxFrameLength);
    }
    this.prefixLength = FrameCodec.prefixLength(bigFrames);
    this.maxFrameLength = maxFrameLength;
  }

  /** The TLS session to attach to every message decoded from now on. */
  public void session(SSLSession session) {
    this.session = session;
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return null;
    }
    if (in.readableBytes() < prefixLength) {
      return null;
    }
    long n = prefixLength == 2
        ? in.getUnsignedShortLE(in.readerIndex())
        : in.getUnsignedIntLE(in.readerIndex());
    if (n > maxFrameLength) {
      throw fail(in, "frame length " + n + " exceeds maxFrameLength " + maxFrameLength);
    }
    if (n < FrameCodec.SLOTS_LENGTH) {
      throw fail(in, "frame length " + n + " is shorter than the 16 bytes of its ID slots");
    }
    ByteBuf frame = (ByteBuf) super.decode(ctx, in);
    if (frame == null) {
      return null;
    }
    try {
      long id = FrameCodec.readVarintSlot(frame.readLongLE(), "ID");
      long repId = FrameCodec.readVarintSlot(frame.readLongLE(), "RepID");
      byte[] data = new byte[frame.readableBytes()];
      frame.readBytes(data);
      return Internal.received(id, repId, data, session);
    } catch (FrameFormatException e) {
      throw fail(in, e);
    }
  }

  /** A slice, not a retained copy: the frame is parsed before {@link #decode} returns. */
  @Override
  protected ByteBuf extractFrame(ChannelHandlerContext ctx, ByteBuf buffer, int index, int length) {
    return buffer.slice(index, length);
  }

  private FrameFormatException fail(ByteBuf in, String message) {
    return fail(in, new FrameFormatException(message));
  }

  /** Drops what is buffered too, so the cumulation is released now rather than at close. */
  private FrameFormatException fail(ByteBuf in, FrameFormatException e) {
    failed = true;
    in.skipBytes(in.readableBytes());
    return e;
  }

  /**
   * The {@link FrameFormatException} behind an exception a pipeline reported, or {@code null}
   * when it is not a framing error.
   */
  public static FrameFormatException framingError(Throwable t) {
    if (t instanceof FrameFormatException) {
      return (FrameFormatException) t;
    }
    if (t instanceof DecoderException && t.getCause() instanceof FrameFormatException) {
      return (FrameFormatException) t.getCause();
    }
    return null;
  }
}
