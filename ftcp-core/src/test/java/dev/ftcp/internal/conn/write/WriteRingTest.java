package dev.ftcp.internal.conn.write;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The write ring under many producers: nothing lost, nothing twice, each producer in order. */
@Timeout(60)
class WriteRingTest {

  @ParameterizedTest(name = "depth {0}")
  @ValueSource(ints = {1, 3, 32, 33, 1000})
  void manyProducersOneConsumerAcrossWrapAroundAndChunks(int depth) throws Exception {
    WriteRing ring = new WriteRing(depth);
    int producers = 4;
    int perProducer = 20_000;
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      running.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < perProducer; i++) {
          while (!ring.tryAcquire()) {
            Thread.onSpinWait(); // the consumer below frees room; this is the ring's own test
          }
          ring.publish(new Message(producer, i, new byte[0]), ((long) producer << 32) | i);
        }
      }, r -> new Thread(r).start()));
    }
    int[] next = new int[producers];
    int consumed = 0;
    while (consumed < producers * perProducer) {
      Message m = ring.peek();
      if (m == null) {
        Thread.onSpinWait();
        continue;
      }
      long id = ring.peekId();
      ring.advance();
      ring.release(1);
      int producer = (int) m.id();
      assertThat(m.repId()).isEqualTo(next[producer]);
      assertThat(id).isEqualTo(((long) producer << 32) | next[producer]);
      next[producer]++;
      consumed++;
      assertThat(ring.size()).isBetween(0, depth);
    }
    CompletableFuture.allOf(running.toArray(new CompletableFuture<?>[0])).get();
    assertThat(next).containsOnly(perProducer);
    assertThat(ring.peek()).isNull();
    assertThat(ring.size()).isZero();
  }

  @Test
  void permitsStopAtDepthAndDiscardGivesThemBack() {
    WriteRing ring = new WriteRing(5);
    for (int i = 0; i < 5; i++) {
      assertThat(ring.tryAcquire()).isTrue();
      ring.publish(Message.of("x"), i + 1);
    }
    assertThat(ring.tryAcquire()).isFalse();
    assertThat(ring.discardAll()).isEqualTo(5);
    assertThat(ring.size()).isZero();
    assertThat(ring.tryAcquire()).isTrue();
  }
}
