package dev.ftcp.bench.socket;

import dev.ftcp.bench.netty.RawFraming;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Encodes frames one after another into one {@code byte[]} and hands the whole batch to the
 * socket with one {@code write} call (one {@code write(2)} on a blocking socket, more only if the
 * kernel takes part of it). Used by one thread, the one that owns its side of the connection.
 * Costs no allocation per frame: the IDs' slots and a copy of the payload into the buffer, and
 * one system call per batch.
 */
final class FrameWriter {
  /** Bytes per batch: 799 frames of 64 B, 62 of 1 KiB; a write of this size is one call. */
  static final int CAPACITY = 64 * 1024;

  private final OutputStream out;
  private final byte[] buf = new byte[CAPACITY];
  private int end;

  FrameWriter(OutputStream out) {
    this.out = out;
  }

  /** Whether one more frame of {@code payloadLength} bytes fits in this batch. */
  boolean hasRoom(int payloadLength) {
    return end + RawFraming.frameSize(payloadLength) <= buf.length;
  }

  /** Adds a frame to the batch; {@link #hasRoom} must have said it fits. */
  void add(long id, long repId, byte[] payload) {
    end = RawFraming.encode(buf, end, id, repId, payload);
  }

  /** Writes the batch, blocking until the kernel took all of it, and starts a new one. */
  void flush() throws IOException {
    out.write(buf, 0, end);
    end = 0;
  }
}
