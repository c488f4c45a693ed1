package dev.ftcp.internal.conn;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The socket settings every channel of a connection shares. */
@Timeout(10)
class PipelinesTest {
  @Test
  void theSharedReadAllocatorReadsAsOftenPerReadinessAsNettysOwnForTcp() {
    // Set by hand, an allocator starts at one read per readiness; Netty gives a TCP channel's
    // own 16, and one read per readiness cut one-way 1 KiB with resumable sessions to a quarter.
    assertThat(((MaxMessagesRecvByteBufAllocator) Pipelines.RECV_ALLOCATOR).maxMessagesPerRead())
        .isEqualTo(Pipelines.MAX_READS_PER_READINESS).isEqualTo(16);
    EmbeddedChannel ch = new EmbeddedChannel();
    try {
      MaxMessagesRecvByteBufAllocator own =
          (MaxMessagesRecvByteBufAllocator) ch.config().getRecvByteBufAllocator();
      assertThat(own.maxMessagesPerRead()).isEqualTo(Pipelines.MAX_READS_PER_READINESS);
    } finally {
      ch.finishAndReleaseAll();
    }
  }
}
