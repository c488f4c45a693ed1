package dev.ftcp.internal.codec;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out heap buffers and remembers the largest array any of them allocated, growth
 * included, so a test can bound what a decoder's cumulation ever held. The buffers are leak
 * tracked like Netty's own.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
  private final AtomicInteger largestArray = new AtomicInteger();

  TrackingAllocator() {
    super(false);
  }

  int largestArray() {
    return largestArray.get();
  }

  /**
   * The most a decoder limited to frames of {@code maxFrameLength} may hold when fed reads of at
   * most {@code maxRead} bytes: one incomplete frame with its prefix plus one read, doubled
   * because read bytes are compacted away only once they fill half the buffer, rounded up as
   * Netty rounds capacities.
   */
  int bound(int maxFrameLength, int prefixLength, int maxRead) {
    return calculateNewCapacity(2 * (maxFrameLength + prefixLength + maxRead), Integer.MAX_VALUE);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return toLeakAwareBuffer(new TrackedBuf(this, initialCapacity, maxCapacity));
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return newHeapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  private static final class TrackedBuf extends UnpooledHeapByteBuf {
    TrackedBuf(TrackingAllocator alloc, int initialCapacity, int maxCapacity) {
      super(alloc, initialCapacity, maxCapacity);
    }

    /** Called for the first array and again each time the buffer grows. */
    @Override
    protected byte[] allocateArray(int length) {
      ((TrackingAllocator) alloc()).largestArray.accumulateAndGet(length, Math::max);
      return super.allocateArray(length);
    }
  }
}
