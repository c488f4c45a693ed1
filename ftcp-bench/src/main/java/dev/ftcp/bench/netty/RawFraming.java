package dev.ftcp.bench.netty;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The ftcp wire format written independently of the library, so a baseline never benefits from
 * (or suffers by) a change in ftcp's codec: a 2-byte little-endian length N, two 8-byte slots
 * each holding an unsigned LEB128 varint zero-padded, then N-16 bytes of payload. Into a Netty
 * {@link ByteBuf}, or into and out of a plain {@code byte[]} for the baselines without Netty.
 * Stateless and thread-safe.
 */
public final class RawFraming {
  public static final int PREFIX = 2;
  public static final int SLOTS = 16;

  private static final VarHandle SHORT_LE =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private RawFraming() {}

  public static int frameSize(int payloadLength) {
    return PREFIX + SLOTS + payloadLength;
  }

  public static void encode(ByteBuf out, long id, long repId, byte[] payload) {
    out.writeShortLE(SLOTS + payload.length);
    out.writeLongLE(slot(id));
    out.writeLongLE(slot(repId));
    out.writeBytes(payload);
  }

  /**
   * Encodes one frame into {@code out} at {@code at}, which must have room for
   * {@link #frameSize} bytes.
   *
   * @return the index just past the frame
   */
  public static int encode(byte[] out, int at, long id, long repId, byte[] payload) {
    SHORT_LE.set(out, at, (short) (SLOTS + payload.length));
    LONG_LE.set(out, at + PREFIX, slot(id));
    LONG_LE.set(out, at + PREFIX + 8, slot(repId));
    System.arraycopy(payload, 0, out, at + PREFIX + SLOTS, payload.length);
    return at + frameSize(payload.length);
  }

  /**
   * The length field N of the frame starting at {@code at} (the bytes after the prefix), which
   * must hold at least {@link #PREFIX} bytes.
   */
  public static int length(byte[] in, int at) {
    return Short.toUnsignedInt((short) SHORT_LE.get(in, at));
  }

  /**
   * Decodes the whole frame of length field {@code n} starting at {@code at}: its IDs and a
   * copy of its payload, as {@link RawFrameDecoder} does.
   */
  public static RawFrame decode(byte[] in, int at, int n) {
    if (n < SLOTS) {
      throw new IllegalArgumentException("frame length " + n + " below 16");
    }
    long id = unslot((long) LONG_LE.get(in, at + PREFIX));
    long repId = unslot((long) LONG_LE.get(in, at + PREFIX + 8));
    byte[] payload = new byte[n - SLOTS];
    System.arraycopy(in, at + PREFIX + SLOTS, payload, 0, payload.length);
    return new RawFrame(id, repId, payload);
  }

  /** The 8-byte slot of a varint, as one little-endian long. */
  static long slot(long value) {
    long slot = 0;
    int shift = 0;
    while (value >= 0x80) {
      slot |= ((value & 0x7F) | 0x80) << shift;
      value >>>= 7;
      shift += 8;
    }
    return slot | (value << shift);
  }

  /** The varint at the start of a slot; the slot's remaining bytes are ignored. */
  static long unslot(long slot) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      long b = (slot >>> (i * 8)) & 0xFF;
      value |= (b & 0x7F) << (i * 7);
      if (b < 0x80) {
        return value;
      }
    }
    throw new IllegalArgumentException("varint does not end inside its slot");
  }
}
