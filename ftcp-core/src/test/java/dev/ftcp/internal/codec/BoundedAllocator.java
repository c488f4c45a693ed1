package dev.ftcp.internal.codec;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Heap buffers for one fuzz input, with two checks that cost nothing per byte: an array larger
 * than the limit is refused with an {@link AssertionError} (growth included), and every buffer
 * handed out is remembered so that {@link #unreleased()} can name those still referenced. The
 * latter makes leak checking exact and immediate, where Netty's leak detector needs garbage
 * collection and a stack trace per buffer; buffers from here are not leak-tracked by Netty.
 * Single-threaded, like the {@link io.netty.channel.embedded.EmbeddedChannel} it serves.
 */
final class BoundedAllocator extends AbstractByteBufAllocator {
  private final int limit;
  private final List<ByteBuf> handedOut = new ArrayList<>();
  private int refusedRequest = -1;

  BoundedAllocator(int limit) {
    super(false);
    this.limit = limit;
  }

  /** The first request above the limit, or -1. */
  int refusedRequest() {
    return refusedRequest;
  }

  int limit() {
    return limit;
  }

  /** How many buffers from here are still referenced. */
  int unreleased() {
    int n = 0;
    for (ByteBuf b : handedOut) {
      if (b.refCnt() != 0) {
        n++;
      }
    }
    return n;
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    ByteBuf b = new Buf(this, initialCapacity, maxCapacity);
    handedOut.add(b);
    return b;
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return newHeapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  private void allocating(int length) {
    if (length > limit) {
      if (refusedRequest < 0) {
        refusedRequest = length;
      }
      throw new AssertionError(
          "asked for an array of " + length + " bytes; this input allows at most " + limit);
    }
  }

  private static final class Buf extends UnpooledHeapByteBuf {
    Buf(BoundedAllocator alloc, int initialCapacity, int maxCapacity) {
      super(alloc, initialCapacity, maxCapacity);
    }

    /** Called for the first array and again each time the buffer grows. */
    @Override
    protected byte[] allocateArray(int length) {
      ((BoundedAllocator) alloc()).allocating(length);
      return super.allocateArray(length);
    }
  }
}
