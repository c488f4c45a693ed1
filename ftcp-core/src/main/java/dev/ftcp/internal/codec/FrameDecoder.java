package dev.ftcp.internal.codec;

import dev.ftcp.FrameFormatException;
import dev.ftcp.Message;
import dev.ftcp.internal.Internal;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import javax.net.ssl.SSLSession;

/**
 * Turns the byte stream into {@link dev.ftcp.Message}s, passed on as one {@link DecodedFrames}
 * per read: one pipeline event per socket read instead of one per message (Netty's per-message
 * hand-on, its output list and the context walk, was a tenth of all samples in one-way 64 B,
 * over a quarter of the receiving event loop's).
 *
 * <p>Each read is parsed where it lies: every whole frame's prefix, slots and payload are read
 * straight from the read's buffer, which is released at once; no slice or frame object per
 * message, only the payload's {@code byte[]} (the API hands out arrays). Only a frame that a
 * read's end cuts in two is copied aside: its header into a small array, its payload straight
 * into the payload array it will be handed out in, finished by the next reads. There is no
 * cumulation buffer: Netty's {@code ByteToMessageDecoder}, used before, copies the whole of
 * every read that follows a cut frame into its cumulation (on one-way 1 KiB, the copy and the
 * cumulation's growth were a fifth of the receiving event loop's samples), and its composite
 * cumulation avoids the copy at a higher cost per access (one-way 64 B 10.4 to 8.8 M msgs/s):
 * measured 2026-12-06 at ecafc7e (docs/BENCHMARKS.md).
 *
 * <p>A frame longer than {@code maxFrameLength} is refused as soon as its length prefix is
 * seen, before anything is held for it, so a peer cannot make us allocate what it likes; the
 * payload array of a cut frame starts at {@link #FIRST_CUT_ARRAY} bytes at most and grows (by
 * doubling) only as its bytes arrive, so a header that announces a long frame costs no more
 * than that. After the first malformed frame the decoder reports it once and then swallows all
 * further input: the connection is being failed and nothing after a framing error can be
 * trusted. Frames decoded before the bad one in the same read are still delivered, before the
 * error.
 *
 * <p>One instance per channel; used only on that channel's event loop.
 */
public final class FrameDecoder extends ChannelInboundHandlerAdapter {
  /** The most a cut frame's payload array starts with; it doubles as the payload arrives. */
  static final int FIRST_CUT_ARRAY = 64 * 1024;
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final int prefixLength;
  private final int headerLength; // prefix and slots
  private final long maxFrameLength;
  private SSLSession session;
  private boolean failed;
  private FrameFormatException error; // the last read's, until taken
  private Sink sink; // where the current read's messages go; null between reads

  // A frame cut by the end of a read. cutHeadFill bytes of its header are in cutHead (0: no
  // frame is cut); once the header is whole, cutData holds the first cutDataFill bytes of its
  // cutDataLength payload bytes. cutHead is made by the first cut frame.
  private byte[] cutHead;
  private int cutHeadFill;
  private int cutDataLength;
  private byte[] cutData;
  private int cutDataFill;

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
    this.headerLength = prefixLength + FrameCodec.SLOTS_LENGTH;
    this.maxFrameLength = maxFrameLength;
  }

  /** The TLS session to attach to every message decoded from now on. */
  public void session(SSLSession session) {
    this.session = session;
  }

  /** Where {@link #read} hands each decoded message, in order, as it is decoded. */
  public interface Sink {
    void message(Message m);
  }

  /**
   * As a pipeline's handler: decodes one read and releases its buffer; passes on what it decoded
   * as one {@link DecodedFrames}, then, if the read brought a malformed frame, the {@link
   * FrameFormatException}. (A connection's pipeline has no decoder handler: its last handler
   * calls {@link #read} itself, and its messages go straight on, with no object per read.)
   */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    DecodedFrames frames = new DecodedFrames();
    read((ByteBuf) msg, frames);
    if (frames.size() > 0) {
      ctx.fireChannelRead(frames);
    }
    FrameFormatException error = takeError();
    if (error != null) {
      ctx.fireExceptionCaught(error);
    }
  }

  /**
   * Decodes one read, handing each whole message to {@code sink} as it is decoded, and releases
   * the read's buffer. If the read brought a malformed frame, the messages before it are handed
   * on and {@link #takeError()} returns the error next.
   */
  public void read(ByteBuf in, Sink sink) {
    this.sink = sink;
    try {
      if (!failed) {
        decode(in);
      }
    } catch (FrameFormatException e) {
      failed = true;
      dropCut();
      error = e;
    } finally {
      this.sink = null;
      in.release();
    }
  }

  /** The framing error of the last {@link #read}, once; null when there was none. */
  public FrameFormatException takeError() {
    FrameFormatException e = error;
    error = null;
    return e;
  }

  private void decode(ByteBuf in) throws FrameFormatException {
    int at = in.readerIndex();
    int end = in.writerIndex();
    if (cutHeadFill > 0) {
      at = continueCut(in, at, end);
    }
    while (end - at >= prefixLength) {
      long n = checkedLength(prefixLength == 2 ? in.getUnsignedShortLE(at) : in.getUnsignedIntLE(at));
      int slots = at + prefixLength;
      if (end - slots < n) {
        break; // the rest of this frame has not arrived yet
      }
      long id = FrameCodec.readVarintSlot(in.getLongLE(slots), "ID");
      long repId = FrameCodec.readVarintSlot(in.getLongLE(slots + 8), "RepID");
      byte[] data = new byte[(int) n - FrameCodec.SLOTS_LENGTH];
      in.getBytes(slots + FrameCodec.SLOTS_LENGTH, data);
      emit(id, repId, data);
      at = slots + (int) n;
    }
    if (at < end) {
      continueCut(in, at, end); // a frame begins here and ends in a later read
    }
  }

  /**
   * Adds the bytes from {@code at} to the cut frame (starting one when none is cut) and, once it
   * is whole, decodes it. Returns where the bytes after the cut frame begin ({@code end} while
   * it is still incomplete).
   */
  private int continueCut(ByteBuf in, int at, int end) throws FrameFormatException {
    if (cutHeadFill < headerLength) {
      int take = Math.min(headerLength - cutHeadFill, end - at);
      boolean lengthKnown = cutHeadFill >= prefixLength;
      if (cutHead == null) {
        cutHead = new byte[headerLength];
      }
      in.getBytes(at, cutHead, cutHeadFill, take);
      cutHeadFill += take;
      at += take;
      if (!lengthKnown && cutHeadFill >= prefixLength) {
        long n = prefixLength == 2
            ? (cutHead[0] & 0xff) | (cutHead[1] & 0xff) << 8
            : (cutHead[0] & 0xffL) | (cutHead[1] & 0xffL) << 8 | (cutHead[2] & 0xffL) << 16
                | (cutHead[3] & 0xffL) << 24;
        cutDataLength = (int) checkedLength(n) - FrameCodec.SLOTS_LENGTH;
      }
      if (cutHeadFill < headerLength) {
        return at;
      }
      cutData = new byte[Math.min(cutDataLength, FIRST_CUT_ARRAY)];
      cutDataFill = 0;
    }
    int take = Math.min(cutDataLength - cutDataFill, end - at);
    if (cutDataFill + take > cutData.length) {
      long grown = Math.max(2L * cutData.length, cutDataFill + take);
      cutData = Arrays.copyOf(cutData, (int) Math.min(grown, cutDataLength));
    }
    in.getBytes(at, cutData, cutDataFill, take);
    cutDataFill += take;
    at += take;
    if (cutDataFill == cutDataLength) {
      byte[] data = cutData;
      dropCut();
      emit(FrameCodec.readVarintSlot((long) LONG_LE.get(cutHead, prefixLength), "ID"),
          FrameCodec.readVarintSlot((long) LONG_LE.get(cutHead, prefixLength + 8), "RepID"),
          data);
    }
    return at;
  }

  /** A frame's length N from its prefix, refused when outside 16..maxFrameLength. */
  private long checkedLength(long n) throws FrameFormatException {
    if (n > maxFrameLength) {
      throw new FrameFormatException(
          "frame length " + n + " exceeds maxFrameLength " + maxFrameLength);
    }
    if (n < FrameCodec.SLOTS_LENGTH) {
      throw new FrameFormatException(
          "frame length " + n + " is shorter than the 16 bytes of its ID slots");
    }
    return n;
  }

  private void emit(long id, long repId, byte[] data) {
    sink.message(Internal.received(id, repId, data, session));
  }

  private void dropCut() {
    cutHeadFill = 0;
    cutData = null;
    cutDataFill = 0;
  }

  /** Bytes held for a frame cut by the end of a read (its header array and payload so far). */
  int heldCapacity() {
    return (cutHead != null ? cutHead.length : 0) + (cutData != null ? cutData.length : 0);
  }

  /**
   * The {@link FrameFormatException} a pipeline reported, or {@code null} when {@code t} is not
   * a framing error.
   */
  public static FrameFormatException framingError(Throwable t) {
    return t instanceof FrameFormatException ? (FrameFormatException) t : null;
  }
}
