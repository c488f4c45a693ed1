package dev.ftcp.internal.codec;

import dev.ftcp.FrameFormatException;
import dev.ftcp.internal.Internal;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.util.List;
import javax.net.ssl.SSLSession;

/**
 * Turns the byte stream into {@link dev.ftcp.Message}s, passed on as one {@link DecodedFrames}
 * per call: one pipeline event per socket read instead of one per message (Netty's per-message
 * hand-on, its output list and the context walk, was a tenth of all samples in one-way 64 B,
 * over a quarter of the receiving event loop's). Netty's {@link ByteToMessageDecoder}
 * does the accumulation (fragmented and coalesced reads, pooled cumulation buffer); this class
 * parses what is ftcp's: the length prefix, checked before anything is buffered, the 16-byte
 * minimum and the two varint slots.
 *
 * <p>Each call parses every whole frame in the cumulation in one pass, reading the prefix, the
 * slots and the payload straight from the cumulation: no slice or frame object per message,
 * only the payload's {@code byte[]} (the API hands out arrays). Netty's
 * {@code LengthFieldBasedFrameDecoder} did this for us before, at the cost of a slice (and, with
 * leak detection on, a wrapper) per frame and one decoder call per frame (JMH
 * {@code FrameDecodeBenchmark}, 64 B: 94 ns per message before, 71 after, on a noisy machine;
 * docs/BENCHMARKS.md).
 *
 * <p>A frame longer than {@code maxFrameLength} is refused as soon as its length prefix is
 * seen, before its bytes are buffered, so a peer cannot make us allocate what it likes. After
 * the first malformed frame the decoder throws once and then swallows all further input: the
 * connection is being failed and nothing after a framing error can be trusted. Frames decoded
 * before the bad one in the same read are still delivered.
 *
 * <p>One instance per channel; used only on that channel's event loop.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private final int prefixLength;
  private final long maxFrameLength;
  private SSLSession session;
  private boolean failed;

  /**
   * @param maxFrameLength largest accepted frame length N, not counting the prefix: 16 ..
   *     {@link FrameCodec#MAX_FRAME_LENGTH}, so that a frame and its prefix fit one buffer.
   * @throws IllegalArgumentException when {@code maxFrameLength} is outside that range
   */
  public FrameDecoder(boolean bigFrames, int maxFrameLength) {
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
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws FrameFormatException {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int at = in.readerIndex();
    int end = in.writerIndex();
    DecodedFrames frames = null; // in out from its first message: delivered even if one fails
    try {
      while (end - at >= prefixLength) {
        long n = prefixLength == 2 ? in.getUnsignedShortLE(at) : in.getUnsignedIntLE(at);
        if (n > maxFrameLength) {
          throw fail(in, "frame length " + n + " exceeds maxFrameLength " + maxFrameLength);
        }
        if (n < FrameCodec.SLOTS_LENGTH) {
          throw fail(in, "frame length " + n + " is shorter than the 16 bytes of its ID slots");
        }
        int slots = at + prefixLength;
        if (end - slots < n) {
          break; // the rest of this frame has not arrived yet
        }
        long id = FrameCodec.readVarintSlot(in.getLongLE(slots), "ID");
        long repId = FrameCodec.readVarintSlot(in.getLongLE(slots + 8), "RepID");
        byte[] data = new byte[(int) n - FrameCodec.SLOTS_LENGTH];
        in.getBytes(slots + FrameCodec.SLOTS_LENGTH, data);
        if (frames == null) {
          frames = new DecodedFrames();
          out.add(frames);
        }
        frames.add(Internal.received(id, repId, data, session));
        at = slots + (int) n;
      }
    } catch (FrameFormatException e) {
      throw failed ? e : fail(in, e);
    }
    in.readerIndex(at);
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
