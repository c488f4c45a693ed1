package dev.ftcp.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ftcp.FrameFormatException;
import dev.ftcp.Message;
import dev.ftcp.testing.FuzzInput;
import dev.ftcp.testing.NettyLeakCheck;
import dev.ftcp.testing.WireModel;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of {@link FrameDecoder} (docs/FUZZING.md): any byte stream, cut into
 * any chunks, must decode to exactly what {@link WireModel} says (the messages of the complete
 * frames up to the first malformed one), and a malformed frame must come out as one {@link
 * FrameFormatException}, reported by the chunk that made it visible, and as nothing else; never
 * more held between reads than one frame of {@code maxFrameLength}, and every buffer released.
 *
 * <p>Input layout: {@link FuzzInput}. Settings byte: bit 0 big frames (4-byte prefix), bits 1-2
 * pick {@code maxFrameLength} from {@link #MAX_FRAME_LENGTHS}. Without {@code JAZZER_FUZZ} this
 * replays the inputs in {@code FrameDecoderFuzzITInputs/decodesExactlyWhatTheSpecSays}.
 */
class FrameDecoderFuzzIT {
  /** Small limits, so that lengths above them are easy to reach and buffers stay small. */
  static final int[] MAX_FRAME_LENGTHS = {4096, 16, 17, 300};

  /**
   * Netty's leak detector once for the whole class, not after each input as the NettyLeakCheck
   * extension would: each check runs the garbage collector, about 0.5 s in a full build, and
   * {@link BoundedAllocator} already checks every buffer of every input exactly.
   */
  @BeforeAll
  @Timeout(30)
  static void setAsideEarlierLeaks() {
    NettyLeakCheck.setAsideEarlierLeaks();
  }

  @AfterAll
  @Timeout(30)
  static void nothingLeaked() {
    NettyLeakCheck.assertNoLeaks();
  }

  /** One input; while fuzzing, Jazzer makes this libFuzzer's time limit per input. */
  @Timeout(10)
  @FuzzTest(maxDuration = "5m")
  void decodesExactlyWhatTheSpecSays(byte[] bytes) {
    FuzzInput input = FuzzInput.parse(bytes);
    boolean bigFrames = (input.settings() & 1) != 0;
    int maxFrameLength = MAX_FRAME_LENGTHS[(input.settings() >>> 1) & 3];
    byte[] stream = input.stream();
    WireModel.Result expected = WireModel.decode(stream, bigFrames, maxFrameLength);

    // The inputs come from here, so that each is checked for release; the decoder itself takes
    // nothing from the channel's allocator (a request above the largest input is refused).
    BoundedAllocator alloc = new BoundedAllocator(Math.max(1, input.largestChunk()));
    Recorder seen = new Recorder();
    FrameDecoder decoder = new FrameDecoder(bigFrames, maxFrameLength);
    EmbeddedChannel channel = new EmbeddedChannel(decoder, seen);
    channel.config().setAllocator(alloc);
    int mostHeld = 0;

    int offset = 0;
    for (int n : input.chunkSizes()) {
      ByteBuf chunk = alloc.heapBuffer(n, n).writeBytes(stream, offset, n);
      seen.chunkStart = offset;
      offset += n;
      seen.chunkEnd = offset;
      try {
        channel.writeInbound(chunk);
      } catch (Throwable t) {
        seen.add(t);
      }
      mostHeld = Math.max(mostHeld, decoder.heldCapacity());
    }
    seen.chunkStart = seen.chunkEnd = offset;
    try {
      channel.finish();
    } catch (Throwable t) {
      seen.add(t);
    }

    String context = input + " with maxFrameLength " + maxFrameLength
        + (bigFrames ? ", big frames" : "") + "; expected " + expected;
    assertThat(alloc.refusedRequest())
        .as("array request above the bound of %d; %s", alloc.limit(), context)
        .isEqualTo(-1);
    assertThat(mostHeld)
        .as("held between reads, at most one frame; %s", context)
        .isLessThanOrEqualTo(Frames.heldBound(maxFrameLength, bigFrames));
    assertThat(seen.messages()).as(context).containsExactlyElementsOf(expected.messages);
    assertThat(seen.messages()).allSatisfy(m -> assertThat(m.tlsSession()).isNull());
    if (expected.flaw == null) {
      assertThat(seen.errors()).as(context).isEmpty();
    } else {
      assertThat(seen.errors()).as(context).hasSize(1);
      Event error = seen.events.get(seen.events.size() - 1);
      assertThat(error.item).as("the last event; %s", context).isInstanceOf(Throwable.class);
      FrameFormatException framing = FrameDecoder.framingError((Throwable) error.item);
      assertThat(framing).as("a framing error, not %s; %s", error.item, context).isNotNull();
      assertThat(framing).hasMessageContaining(expected.flaw.mentions);
      boolean inThatChunk =
          error.chunkStart < expected.flawVisibleAt && expected.flawVisibleAt <= error.chunkEnd;
      assertThat(inThatChunk).as("reported by the chunk [%d, %d) that brought byte %d; %s",
              error.chunkStart, error.chunkEnd, expected.flawVisibleAt, context)
          .isTrue();
    }
    assertThat(alloc.unreleased()).as("buffers never released; %s", context).isZero();
  }

  /** One message or exception, and the stream offsets of the chunk whose write produced it. */
  static final class Event {
    final Object item;
    final int chunkStart;
    final int chunkEnd;

    Event(Object item, int chunkStart, int chunkEnd) {
      this.item = item;
      this.chunkStart = chunkStart;
      this.chunkEnd = chunkEnd;
    }
  }

  /** Sits after the decoder and keeps, in order, everything the decoder passes on. */
  static final class Recorder extends ChannelInboundHandlerAdapter {
    final List<Event> events = new ArrayList<>();
    int chunkStart;
    int chunkEnd;

    void add(Object item) {
      events.add(new Event(item, chunkStart, chunkEnd));
    }

    List<Message> messages() {
      List<Message> out = new ArrayList<>();
      for (Event e : events) {
        if (e.item instanceof Message) {
          out.add((Message) e.item);
        }
      }
      return out;
    }

    List<Throwable> errors() {
      List<Throwable> out = new ArrayList<>();
      for (Event e : events) {
        if (e.item instanceof Throwable) {
          out.add((Throwable) e.item);
        }
      }
      return out;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof DecodedFrames) {
        for (Message m : Frames.messagesIn(msg)) {
          add(m);
        }
      } else {
        add(new AssertionError("the decoder passed on a " + msg.getClass().getName()));
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      add(cause);
    }
  }
}
