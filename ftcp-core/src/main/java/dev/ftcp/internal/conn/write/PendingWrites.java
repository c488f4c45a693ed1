package dev.ftcp.internal.conn.write;

import dev.ftcp.Message;
import dev.ftcp.internal.codec.FrameCodec;

/**
 * Messages taken from the ring and not yet confirmed taken by the kernel, oldest first:
 * first those written in batches whose promises are still open ({@link #written()}), then
 * those waiting to be written (to be resent after a redial, or beyond the last batch).
 * A growable array ring of (message, id) pairs, empty arrays until the first entry (an idle
 * connection holds none); event loop only.
 */
final class PendingWrites {
  private static final Message[] NO_MESSAGES = {};
  private static final long[] NO_IDS = {};
  private static final int FIRST_CAPACITY = 16;

  private Message[] messages = NO_MESSAGES;
  private long[] ids = NO_IDS;
  private int head;
  private int size;
  private int written;

  int size() {
    return size;
  }

  /** How many of the oldest entries are in batches handed to the channel. */
  int written() {
    return written;
  }

  /** Entries not yet in any batch. */
  int unwritten() {
    return size - written;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void add(Message m, long id) {
    if (size == messages.length) {
      grow();
    }
    int i = (head + size) & (messages.length - 1);
    messages[i] = m;
    ids[i] = id;
    size++;
  }

  /** Entry {@code k} counted from the oldest. */
  Message message(int k) {
    return messages[(head + k) & (messages.length - 1)];
  }

  long id(int k) {
    return ids[(head + k) & (messages.length - 1)];
  }

  /** Marks the next {@code n} unwritten entries as written in a batch. */
  void markWritten(int n) {
    written += n;
  }

  /** The kernel took the oldest {@code n} entries: forget them. */
  void confirm(int n) {
    for (int k = 0; k < n; k++) {
      messages[(head + k) & (messages.length - 1)] = null;
    }
    head = (head + n) & (messages.length - 1);
    size -= n;
    written -= n;
  }

  /**
   * How many of the oldest {@code count} written entries a failed batch of them delivered whole
   * to the kernel, which took {@code progress} bytes of it before the link broke: those count
   * as sent; the rest, starting with a frame cut in the middle, must go again.
   */
  int takenWhole(int count, long progress, int prefix) {
    int whole = 0;
    long bytes = 0;
    while (whole < count) {
      long size = FrameCodec.frameSize(message(whole).data().length, prefix);
      if (bytes + size > progress) {
        break;
      }
      bytes += size;
      whole++;
    }
    return whole;
  }

  /** The bytes on the wire of the oldest {@code n} entries. */
  long frameBytes(int n, int prefix) {
    long bytes = 0;
    for (int k = 0; k < n; k++) {
      bytes += FrameCodec.frameSize(message(k).data().length, prefix);
    }
    return bytes;
  }

  /** A batch of {@code n} written entries failed: they go back to waiting (they stay oldest). */
  void unmarkWritten(int n) {
    written -= n;
  }

  /** Drops everything; returns how many. */
  int clear() {
    int n = size;
    while (size > 0) {
      messages[head] = null;
      head = (head + 1) & (messages.length - 1);
      size--;
    }
    written = 0;
    return n;
  }

  private void grow() {
    int n = messages.length;
    int capacity = Math.max(FIRST_CAPACITY, n * 2);
    Message[] m = new Message[capacity];
    long[] id = new long[capacity];
    for (int k = 0; k < size; k++) {
      m[k] = messages[(head + k) & (n - 1)];
      id[k] = ids[(head + k) & (n - 1)];
    }
    messages = m;
    ids = id;
    head = 0;
  }
}
