package dev.ftcp.testing;

import dev.ftcp.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a correct ftcp receiver makes of a byte stream (PROTOCOL.md §1 and §13 "Malformed or
 * hostile input"), written straight from that document and independently of the codec, as the
 * oracle the fuzz tests compare the real decoder against: the messages of the complete frames in
 * order, up to the first malformed frame, and that frame's flaw. A stream that ends inside a
 * frame is not malformed; it just has no more messages.
 */
public final class WireModel {
  private static final int SLOTS = 16;

  /** What makes a frame malformed, and a word the decoder's error names it by. */
  public enum Flaw {
    LENGTH_ABOVE_LIMIT("maxFrameLength"),
    SHORTER_THAN_SLOTS("16 bytes"),
    ID_VARINT_UNTERMINATED("the ID varint"),
    REPID_VARINT_UNTERMINATED("the RepID varint");

    /** A fragment of the decoder's message for this flaw. */
    public final String mentions;

    Flaw(String mentions) {
      this.mentions = mentions;
    }
  }

  /**
   * The decoded messages and, when the stream holds a malformed frame, its flaw and the length
   * of stream from which on the flaw can be seen: the end of the length prefix for a bad length,
   * the end of the frame for a bad varint.
   */
  public static final class Result {
    public final List<Message> messages;
    public final Flaw flaw;
    public final int flawVisibleAt;

    Result(List<Message> messages, Flaw flaw, int flawVisibleAt) {
      this.messages = List.copyOf(messages);
      this.flaw = flaw;
      this.flawVisibleAt = flawVisibleAt;
    }

    @Override
    public String toString() {
      return messages.size() + " message(s)"
          + (flaw == null ? "" : ", then " + flaw + " visible at byte " + flawVisibleAt);
    }
  }

  private WireModel() {}

  public static Result decode(byte[] s, boolean bigFrames, long maxFrameLength) {
    int prefix = bigFrames ? 4 : 2;
    List<Message> messages = new ArrayList<>();
    int pos = 0;
    while (s.length - pos >= prefix) {
      long n = 0;
      for (int i = prefix - 1; i >= 0; i--) {
        n = (n << 8) | (s[pos + i] & 0xFF);
      }
      int body = pos + prefix;
      if (n > maxFrameLength) {
        return new Result(messages, Flaw.LENGTH_ABOVE_LIMIT, body);
      }
      if (n < SLOTS) {
        return new Result(messages, Flaw.SHORTER_THAN_SLOTS, body);
      }
      if (s.length - body < n) {
        break;
      }
      int end = body + (int) n;
      long id = uvarint(s, body);
      if (id < 0) {
        return new Result(messages, Flaw.ID_VARINT_UNTERMINATED, end);
      }
      long repId = uvarint(s, body + 8);
      if (repId < 0) {
        return new Result(messages, Flaw.REPID_VARINT_UNTERMINATED, end);
      }
      messages.add(new Message(id, repId, Arrays.copyOfRange(s, body + SLOTS, end)));
      pos = end;
    }
    return new Result(messages, null, -1);
  }

  /**
   * Go's {@code binary.Uvarint} over the 8 bytes of a slot: 7 bits per byte, least significant
   * first, a byte below 0x80 ends it. -1 when none of the 8 does (no value in 56 bits is
   * negative).
   */
  static long uvarint(byte[] s, int off) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      int b = s[off + i] & 0xFF;
      if (b < 0x80) {
        return value | (long) b << (7 * i);
      }
      value |= (long) (b & 0x7F) << (7 * i);
    }
    return -1;
  }
}
