package dev.ftcp.bench.socket;

import dev.ftcp.bench.netty.RawFrame;
import dev.ftcp.bench.netty.RawFraming;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads as many bytes as the socket has into one large buffer and parses frames in place,
 * decoding each into a {@link RawFrame} with its own payload array (as {@code RawFrameDecoder}
 * and ftcp's reader do, so receivers compare fairly). Used by one thread, the one that owns its
 * side of the connection. Costs per frame the frame object and its payload array; per read, one
 * system call and the move of a partial frame at the buffer's end to its start.
 */
final class FrameReader {
  /** Bytes one read may take in: 799 frames of 64 B, 62 of 1 KiB. */
  static final int CAPACITY = 64 * 1024;

  private final InputStream in;
  private final byte[] buf = new byte[CAPACITY];
  private int start;
  private int end;

  FrameReader(InputStream in) {
    this.in = in;
  }

  /**
   * The next frame, from the buffer when a whole one is there, otherwise after reading more
   * (blocking).
   *
   * @return the frame, or null at the end of the stream
   */
  RawFrame next() throws IOException {
    while (true) {
      int buffered = end - start;
      if (buffered >= RawFraming.PREFIX) {
        int n = RawFraming.length(buf, start);
        int size = RawFraming.PREFIX + n;
        if (buffered >= size) {
          RawFrame f = RawFraming.decode(buf, start, n);
          start += size;
          return f;
        }
        if (size > buf.length) {
          throw new IOException("frame of " + size + " bytes exceeds the read buffer");
        }
      }
      if (!fill()) {
        return null;
      }
    }
  }

  /** Moves a partial frame to the buffer's start and reads after it; false at end of stream. */
  private boolean fill() throws IOException {
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    int n = in.read(buf, end, buf.length - end);
    if (n < 0) {
      return false;
    }
    end += n;
    return true;
  }
}
