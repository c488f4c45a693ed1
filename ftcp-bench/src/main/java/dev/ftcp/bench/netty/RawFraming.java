package dev.ftcp.bench.netty;

import io.netty.buffer.ByteBuf;

/**
 * The ftcp wire format written independently of the library, so a baseline never benefits from
 * (or suffers by) a change in ftcp's codec: a 2-byte little-endian length N, two 8-byte slots
 * each holding an unsigned LEB128 varint zero-padded, then N-16 bytes of payload.
 */
public final class RawFraming {
  public static final int PREFIX = 2;
  public static final int SLOTS = 16;

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
