package dev.ftcp.internal.conn.write;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.Message;
import dev.ftcp.internal.codec.FrameCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The resend accounting of the write path: which frames of a failed batch the kernel took
 * whole, and that what goes again keeps its order, the frame cut in the middle first.
 */
@Timeout(10)
class PendingWritesTest {
  private static final int PREFIX = FrameCodec.prefixLength(false);

  private final PendingWrites pending = new PendingWrites();

  /** A message whose frame takes {@code frameBytes} on the wire. */
  private static Message ofFrame(int frameBytes) {
    return Message.of(new byte[frameBytes - FrameCodec.frameSize(0, PREFIX)]);
  }

  private static int size(int k) {
    return 100 * (k + 1); // frames of 100, 200, 300, ... bytes
  }

  private void add(int n) {
    for (int k = 0; k < n; k++) {
      pending.add(ofFrame(size(k)), k + 1);
    }
  }

  @Test
  void progressInsideTheFirstFrameTakesNothingWhole() {
    add(3);
    pending.markWritten(3);
    assertThat(pending.takenWhole(3, 0, PREFIX)).isZero();
    assertThat(pending.takenWhole(3, 1, PREFIX)).isZero();
    assertThat(pending.takenWhole(3, 99, PREFIX)).isZero();
  }

  @Test
  void progressOnAFrameBoundaryTakesTheFramesBeforeIt() {
    add(3);
    pending.markWritten(3);
    assertThat(pending.takenWhole(3, 100, PREFIX)).isEqualTo(1);
    assertThat(pending.takenWhole(3, 300, PREFIX)).isEqualTo(2);
    assertThat(pending.takenWhole(3, 600, PREFIX)).isEqualTo(3);
  }

  @Test
  void progressInTheMiddleOfALaterFrameTakesTheFramesBeforeIt() {
    add(3);
    pending.markWritten(3);
    assertThat(pending.takenWhole(3, 101, PREFIX)).isEqualTo(1);
    assertThat(pending.takenWhole(3, 299, PREFIX)).isEqualTo(1);
    assertThat(pending.takenWhole(3, 450, PREFIX)).isEqualTo(2);
  }

  @Test
  void onlyTheFailedBatchCounts() {
    add(5);
    pending.markWritten(2); // the failed batch
    pending.markWritten(3); // a later one
    assertThat(pending.takenWhole(2, 10_000, PREFIX)).isEqualTo(2);
  }

  @Test
  void bigFramesCountTheirLongerPrefix() {
    int big = FrameCodec.prefixLength(true);
    pending.add(Message.of(new byte[10]), 1);
    pending.add(Message.of(new byte[10]), 2);
    pending.markWritten(2);
    int frame = FrameCodec.frameSize(10, big);
    assertThat(frame).isEqualTo(30);
    assertThat(pending.takenWhole(2, frame, big)).isEqualTo(1);
    assertThat(pending.takenWhole(2, frame - 1, big)).isZero();
    assertThat(pending.frameBytes(2, big)).isEqualTo(60);
    assertThat(pending.frameBytes(2, PREFIX)).isEqualTo(56);
  }

  @Test
  void frameBytesAddsTheOldestFrames() {
    add(4);
    assertThat(pending.frameBytes(0, PREFIX)).isZero();
    assertThat(pending.frameBytes(1, PREFIX)).isEqualTo(100);
    assertThat(pending.frameBytes(3, PREFIX)).isEqualTo(600);
    pending.markWritten(4);
    pending.confirm(1);
    assertThat(pending.frameBytes(2, PREFIX)).as("from the new oldest").isEqualTo(500);
  }

  @Test
  void afterAFailureWhatIsUnwrittenIsTheCutFrameFirstInOrder() {
    add(5);
    pending.markWritten(3); // batch A: frames 1..3, the kernel took 1 and part of 2
    pending.markWritten(2); // batch B: frames 4..5, nothing of it
    assertThat(pending.written()).isEqualTo(5);
    assertThat(pending.unwritten()).isZero();

    // What BatchWriter does with A's failure, then B's.
    int sent = pending.takenWhole(3, 150, PREFIX);
    assertThat(sent).isEqualTo(1);
    pending.confirm(sent);
    pending.unmarkWritten(3 - sent);
    pending.unmarkWritten(2);

    assertThat(pending.size()).isEqualTo(4);
    assertThat(pending.written()).isZero();
    assertThat(pending.unwritten()).isEqualTo(4);
    for (int k = 0; k < 4; k++) {
      assertThat(pending.id(k)).as("entry %d", k).isEqualTo(k + 2);
      assertThat(pending.message(k).data()).hasSize(size(k + 1) - FrameCodec.frameSize(0, PREFIX));
    }

    // Resent in two batches on the next channel: the oldest go first, and confirm in order.
    pending.markWritten(2);
    pending.markWritten(2);
    pending.confirm(2);
    assertThat(pending.id(0)).isEqualTo(4);
    pending.confirm(2);
    assertThat(pending.isEmpty()).isTrue();
    assertThat(pending.written()).isZero();
  }

  @Test
  void orderSurvivesGrowingAcrossTheRingsEnd() {
    // Walk the head forward so that the entries wrap around the array, then grow it.
    for (int round = 0; round < 10; round++) {
      pending.add(Message.of("x"), round);
      pending.markWritten(1);
      pending.confirm(1);
    }
    for (int k = 0; k < 40; k++) {
      pending.add(Message.of("m" + k), 100 + k);
    }
    assertThat(pending.size()).isEqualTo(40);
    for (int k = 0; k < 40; k++) {
      assertThat(pending.id(k)).isEqualTo(100 + k);
      assertThat(pending.message(k).text()).isEqualTo("m" + k);
    }
  }

  @Test
  void clearDropsEverythingAndSaysHowMuch() {
    add(3);
    pending.markWritten(2);
    assertThat(pending.clear()).isEqualTo(3);
    assertThat(pending.isEmpty()).isTrue();
    assertThat(pending.written()).isZero();
    assertThat(pending.unwritten()).isZero();
  }
}
