package dev.ftcp.soak;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * What the soak's messages carry: who sent them and their place in the sender's stream, so that
 * every check is made on the message itself.
 *
 * <pre>
 *   byte 0      kind: {@link #ONE_WAY} or {@link #REQUEST}
 *   bytes 1-4   client index (int, big-endian)
 *   bytes 5-12  seq: 1, 2, 3... per client, one per write or request, in the order written
 *   bytes 13-   filler, each byte a function of (client, seq, position): corruption shows
 * </pre>
 *
 * A client writes from one thread, so each message's seq is also the ID the connection assigns
 * it ({@code write} and {@code request} number messages 1, 2, 3...). The server echoes every
 * payload back unchanged: as a reply to a request, as a one-way message otherwise.
 */
final class Payloads {
  static final byte ONE_WAY = 1;
  static final byte REQUEST = 2;
  static final int HEADER = 13;

  private Payloads() {}

  /** What a payload says about itself. */
  record Parsed(byte kind, int client, long seq) {}

  static byte[] make(byte kind, int client, long seq, int length) {
    byte[] b = new byte[Math.max(HEADER, length)];
    ByteBuffer.wrap(b).put(kind).putInt(client).putLong(seq);
    for (int i = HEADER; i < b.length; i++) {
      b[i] = filler(client, seq, i);
    }
    return b;
  }

  /** The payload's header, or null when it is not one of ours or its filler is damaged. */
  static Parsed parse(byte[] b) {
    if (b.length < HEADER || (b[0] != ONE_WAY && b[0] != REQUEST)) {
      return null;
    }
    ByteBuffer bb = ByteBuffer.wrap(b);
    Parsed p = new Parsed(bb.get(), bb.getInt(), bb.getLong());
    for (int i = HEADER; i < b.length; i++) {
      if (b[i] != filler(p.client, p.seq, i)) {
        return null;
      }
    }
    return p;
  }

  /**
   * A payload length: mostly small messages, some of a few KiB, a few close to the largest
   * frame (64 KiB), so that batches are cut in the middle of frames and frames span reads.
   */
  static int length(SplittableRandom r) {
    int p = r.nextInt(100);
    if (p < 70) {
      return HEADER + r.nextInt(100);
    }
    if (p < 95) {
      return HEADER + 100 + r.nextInt(4000);
    }
    return HEADER + 4100 + r.nextInt(60_000);
  }

  private static byte filler(int client, long seq, int i) {
    return (byte) (seq * 0x9E3779B1L + client * 31L + i * 7L);
  }
}
