package dev.ftcp.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The leak check finds a leak made on purpose, and only then. */
@Timeout(60)
class NettyLeakCheckTest {
  @RegisterExtension
  static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  @Test
  void runsWhereNettyTracksEveryBuffer() {
    // At a lower level Netty samples, and the deliberate leaks below could go unseen.
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    assertThat(NettyLeakCheck.watchingBuffers()).isTrue();
  }

  @Test
  void failsOnALeakedBuffer() {
    String hint = NettyLeakCheck.expectLeak();
    leak(ByteBufAllocator.DEFAULT.heapBuffer(64), hint);

    assertThatThrownBy(NettyLeakCheck::assertNoLeaks)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("LEAK: ByteBuf")
        .hasMessageContaining(hint);
    // The report is consumed, so the extension's own check after this test passes.
    NettyLeakCheck.assertNoLeaks();
  }

  @Test
  void failsOnALeakedPooledDirectBuffer() {
    String hint = NettyLeakCheck.expectLeak();
    leak(PooledByteBufAllocator.DEFAULT.directBuffer(64), hint);

    assertThat(NettyLeakCheck.collectLeaks()).anySatisfy(leak -> assertThat(leak).contains(hint));
  }

  @Test
  void passesWhenEveryBufferIsReleased() {
    String hint = "released " + UUID.randomUUID();
    for (int i = 0; i < 100; i++) {
      ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(64).touch(hint);
      buf.writeInt(i);
      buf.release();
    }
    assertThat(NettyLeakCheck.collectLeaks()).noneSatisfy(leak -> assertThat(leak).contains(hint));
  }

  @Test
  void extensionFailsTheTestAfterALeak() {
    NettyLeakCheck extension = new NettyLeakCheck();
    extension.beforeEach(null);
    String hint = NettyLeakCheck.expectLeak();
    leak(ByteBufAllocator.DEFAULT.heapBuffer(64), hint);

    assertThatThrownBy(() -> extension.afterEach(null))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(hint);
  }

  @Test
  void extensionPassesATestThatReleasesWhatItAllocates() {
    NettyLeakCheck extension = new NettyLeakCheck();
    extension.beforeEach(null);
    ByteBufAllocator.DEFAULT.buffer(64).release();

    extension.afterEach(null);
  }

  /** Drops {@code buf} without releasing it; no local variable of the caller holds it. */
  private static void leak(ByteBuf buf, String hint) {
    buf.writeLong(42).touch(hint);
  }
}
