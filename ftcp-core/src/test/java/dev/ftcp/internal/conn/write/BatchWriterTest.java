package dev.ftcp.internal.conn.write;

import dev.ftcp.testing.NettyLeakCheck;
import dev.ftcp.internal.conn.FakeHost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ftcp.ConnectionClosedException;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.TlsConfig;
import dev.ftcp.internal.codec.DecodedFrames;
import dev.ftcp.internal.codec.FrameCodec;
import dev.ftcp.internal.codec.FrameDecoder;
import dev.ftcp.internal.tls.TlsHandlers;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * The write path from the queue to a channel: frames in order, batches cut at their limits, the
 * counters, and a failed batch sent again on the next channel, less what the kernel took whole.
 * The event loop is the test thread: tasks the writer hands it run when the test says.
 */
@Timeout(10)
class BatchWriterTest {
  @RegisterExtension static final NettyLeakCheck LEAKS = new NettyLeakCheck();

  private static final int PREFIX = FrameCodec.prefixLength(false);
  private static final int KB_FRAME = FrameCodec.frameSize(1000, PREFIX); // 1,018 bytes

  private final FakeHost host = FakeHost.queuingTasks();
  private final WriteQueue queue =
      new WriteQueue(Options.builder().writeQueueDepth(5_000).build(), host);
  private final BatchWriter writer = queue.writer();
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  /** Fails every write, after the kernel took {@code progress} bytes of it. */
  private static final class FailingWrites extends ChannelOutboundHandlerAdapter {
    final long progress;

    FailingWrites(long progress) {
      this.progress = progress;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      long total = ((ByteBuf) msg).readableBytes();
      ReferenceCountUtil.release(msg);
      if (progress > 0) {
        ((ChannelProgressivePromise) promise).tryProgress(progress, total);
      }
      promise.setFailure(new IOException("connection reset"));
    }
  }

  /** Holds every write until the test completes it. */
  private static final class HeldWrites extends ChannelOutboundHandlerAdapter {
    final List<ChannelProgressivePromise> promises = new ArrayList<>();
    final List<Integer> sizes = new ArrayList<>();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      sizes.add(((ByteBuf) msg).readableBytes());
      ReferenceCountUtil.release(msg);
      promises.add((ChannelProgressivePromise) promise);
    }

    void fail(int batch, long progress) {
      ChannelProgressivePromise p = promises.get(batch);
      if (progress > 0) {
        p.tryProgress(progress, sizes.get(batch));
      }
      p.setFailure(new IOException("connection reset"));
    }
  }

  private EmbeddedChannel channel(io.netty.channel.ChannelHandler... handlers) {
    EmbeddedChannel ch = new EmbeddedChannel(handlers);
    channels.add(ch);
    host.channel = ch;
    return ch;
  }

  @AfterEach
  void closeChannels() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
  }

  private List<Long> write(int n, int payload) throws IOException {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(queue.write(Message.of(new byte[payload])));
    }
    return ids;
  }

  /** Each batch as the size of its buffer. */
  private static List<Integer> batchSizes(List<ByteBuf> batches) {
    List<Integer> sizes = new ArrayList<>();
    for (ByteBuf b : batches) {
      sizes.add(b.readableBytes());
    }
    return sizes;
  }

  private static List<ByteBuf> written(EmbeddedChannel ch) {
    List<ByteBuf> out = new ArrayList<>();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      out.add(b);
    }
    return out;
  }

  /** Decodes the frames of {@code batches} (releasing them) into their messages. */
  private static List<Message> decode(List<ByteBuf> batches) {
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder(false, 65535));
    List<Message> out = new ArrayList<>();
    for (ByteBuf b : batches) {
      decoder.writeInbound(b);
      Object frames;
      while ((frames = decoder.readInbound()) != null) {
        DecodedFrames f = (DecodedFrames) frames;
        for (int i = 0; i < f.size(); i++) {
          out.add(f.get(i));
        }
      }
    }
    decoder.finishAndReleaseAll();
    return out;
  }

  private static List<Long> ids(List<Message> ms) {
    List<Long> ids = new ArrayList<>();
    for (Message m : ms) {
      ids.add(m.id());
    }
    return ids;
  }

  @Test
  void queuedMessagesGoOutAsFramesInOrderInOneDrain() throws Exception {
    EmbeddedChannel ch = channel();
    List<Long> sent = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sent.add(queue.write(Message.of("m" + i)));
    }
    assertThat(host.loop).as("one drain task for all ten").hasSize(1);
    assertThat(ch.outboundMessages()).isEmpty();
    host.runLoop();
    List<ByteBuf> batches = written(ch);
    assertThat(batches).hasSize(1);
    List<Message> out = decode(batches);
    assertThat(ids(out)).isEqualTo(sent);
    for (int i = 0; i < 10; i++) {
      assertThat(out.get(i).text()).isEqualTo("m" + i);
    }
    assertThat(queue.size()).isZero();
    assertThat(writer.isIdle()).isTrue();
  }

  @Test
  void aBatchIsCutAtItsByteLimit() throws Exception {
    EmbeddedChannel ch = channel();
    List<Long> sent = write(100, 1000);
    host.runLoop();
    List<ByteBuf> batches = written(ch);
    // 32 frames of 1,018 bytes fit 32 KiB; a 33rd would not.
    assertThat(batchSizes(batches))
        .containsExactly(32 * KB_FRAME, 32 * KB_FRAME, 32 * KB_FRAME, 4 * KB_FRAME);
    assertThat(ids(decode(batches))).isEqualTo(sent);
  }

  /** Counts the flushes that pass it. */
  private static final class CountedFlushes extends ChannelOutboundHandlerAdapter {
    int flushes;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes++;
      ctx.flush();
    }
  }

  @Test
  void underTlsEachBatchFitsOneRecordAndOneFlushCarriesThemAll() throws Exception {
    FakeHost tlsHost = FakeHost.queuingTasks();
    WriteQueue tlsQueue = new WriteQueue(Options.builder().writeQueueDepth(5_000)
        .tls(TlsConfig.client().provider(TlsConfig.Provider.JDK).build()).build(), tlsHost);
    CountedFlushes flushes = new CountedFlushes();
    EmbeddedChannel ch = new EmbeddedChannel(flushes);
    channels.add(ch);
    tlsHost.channel = ch;
    List<Long> sent = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      sent.add(tlsQueue.write(Message.of(new byte[1000])));
    }
    tlsHost.runLoop();
    List<ByteBuf> batches = written(ch);
    // 15 frames of 1,018 bytes fit a record's 16,128; a 16th would not.
    assertThat(BatchWriter.TLS_BATCH_BYTES).isEqualTo(TlsHandlers.RECORD_WRITE_BYTES);
    assertThat(batchSizes(batches)).containsExactly(15 * KB_FRAME, 15 * KB_FRAME, 10 * KB_FRAME);
    assertThat(flushes.flushes).as("one flush for the drain, not one per batch").isEqualTo(1);
    assertThat(ids(decode(batches))).isEqualTo(sent);
  }

  @Test
  void aDrainRunFromInsideAFlushLeavesItsPermitsToTheOuterDrain() throws Exception {
    List<Integer> queuedAfterInnerDrain = new ArrayList<>();
    EmbeddedChannel ch = channel(new ChannelOutboundHandlerAdapter() {
      boolean first = true;

      @Override
      public void flush(ChannelHandlerContext ctx) throws Exception {
        ctx.flush();
        if (first) {
          // The socket took the first flush and the channel is writable again: Netty reports
          // that from inside the flush, and the connection drains again from there.
          first = false;
          BatchWriterTest.this.write(10, 1000);
          writer.drain();
          queuedAfterInnerDrain.add(queue.size());
        }
      }
    });
    List<Long> sent = write(40, 1000);
    host.runLoop();
    assertThat(queuedAfterInnerDrain).as("permits held until the outer drain ends")
        .containsExactly(50);
    assertThat(queue.size()).as("and all returned then").isZero();
    List<Message> out = decode(written(ch));
    assertThat(out).hasSize(50);
    assertThat(ids(out).subList(0, 40)).isEqualTo(sent);
    assertThat(writer.isIdle()).isTrue();
  }

  @Test
  void aBatchIsCutAtItsMessageLimit() throws Exception {
    EmbeddedChannel ch = channel();
    List<Long> sent = write(2500, 0);
    host.runLoop();
    List<ByteBuf> batches = written(ch);
    int frame = FrameCodec.frameSize(0, PREFIX);
    assertThat(batchSizes(batches))
        .containsExactly(1024 * frame, 1024 * frame, 452 * frame);
    assertThat(ids(decode(batches))).isEqualTo(sent);
  }

  @Test
  void aFrameLargerThanTheByteLimitGoesAloneInItsBatch() throws Exception {
    EmbeddedChannel ch = channel();
    write(1, 10);
    write(1, 40_000);
    write(1, 10);
    host.runLoop();
    List<ByteBuf> batches = written(ch);
    assertThat(batchSizes(batches)).containsExactly(FrameCodec.frameSize(10, PREFIX),
        FrameCodec.frameSize(40_000, PREFIX), FrameCodec.frameSize(10, PREFIX));
    batches.forEach(ByteBuf::release);
  }

  @Test
  void countersCountWhatTheChannelTook() throws Exception {
    EmbeddedChannel ch = channel();
    write(40, 1000);
    host.runLoop();
    written(ch).forEach(ByteBuf::release);
    assertThat(writer.messagesOut()).isEqualTo(40);
    assertThat(writer.bytesOut()).isEqualTo(40L * KB_FRAME);
    assertThat(writer.discarded()).isZero();
    assertThat(host.afterWrites).isPositive();
  }

  @Test
  void whileDialingTheQueueKeepsWhatWasWritten() throws Exception {
    List<Long> sent = write(5, 10);
    host.runLoop();
    assertThat(queue.size()).isEqualTo(5);
    EmbeddedChannel ch = channel();
    writer.channelReady();
    assertThat(ids(decode(written(ch)))).isEqualTo(sent);
    assertThat(writer.messagesOut()).isEqualTo(5);
  }

  @Test
  void aBatchWhoseWriteFailedIsSentAgainOnTheNextChannel() throws Exception {
    EmbeddedChannel broken = channel(new FailingWrites(0));
    List<Long> sent = write(5, 1000);
    host.runLoop();
    assertThat(broken.isOpen()).as("the failed write closes the channel").isFalse();
    assertThat(writer.messagesOut()).isZero();
    assertThat(writer.isIdle()).isFalse();
    sent.addAll(write(3, 1000)); // written while redialing: after the ones to resend
    host.runLoop();

    EmbeddedChannel next = channel();
    writer.channelReady();
    assertThat(ids(decode(written(next)))).isEqualTo(sent);
    assertThat(writer.messagesOut()).isEqualTo(8);
    assertThat(writer.bytesOut()).isEqualTo(8L * KB_FRAME);
    assertThat(writer.isIdle()).isTrue();
  }

  @Test
  void framesTheKernelTookWholeAreNotSentAgainAndTheCutOneIs() throws Exception {
    channel(new FailingWrites(KB_FRAME + 500)); // the first frame and half the second
    List<Long> sent = write(3, 1000);
    host.runLoop();
    assertThat(writer.messagesOut()).isEqualTo(1);
    assertThat(writer.bytesOut()).isEqualTo(KB_FRAME);

    EmbeddedChannel next = channel();
    writer.channelReady();
    assertThat(ids(decode(written(next)))).isEqualTo(sent.subList(1, 3));
    assertThat(writer.messagesOut()).isEqualTo(3);
    assertThat(writer.bytesOut()).isEqualTo(3L * KB_FRAME);
  }

  @Test
  void onlyTheOldestFailedBatchOnAChannelCanHaveDeliveredFrames() throws Exception {
    HeldWrites held = new HeldWrites();
    channel(held);
    List<Long> sent = write(100, 1000);
    host.runLoop();
    assertThat(held.sizes)
        .containsExactly(32 * KB_FRAME, 32 * KB_FRAME, 32 * KB_FRAME, 4 * KB_FRAME);
    held.fail(0, 10L * KB_FRAME + 5); // ten frames whole, the eleventh cut
    held.fail(1, 5_000); // a later batch's progress says nothing: the link broke before it
    held.fail(2, 0);
    held.fail(3, 0);
    assertThat(writer.messagesOut()).isEqualTo(10);

    EmbeddedChannel next = channel();
    writer.channelReady();
    assertThat(ids(decode(written(next)))).isEqualTo(sent.subList(10, 100));
    assertThat(writer.messagesOut()).isEqualTo(100);
  }

  @Test
  void nothingIsWrittenOnAChannelAfterAWriteOnItFailed() throws Exception {
    HeldWrites held = new HeldWrites();
    channel(held);
    write(2, 1000);
    host.runLoop();
    assertThat(held.promises).hasSize(1);
    held.fail(0, 0);
    write(2, 1000);
    host.runLoop();
    writer.drain();
    assertThat(held.promises).as("no write on the failed channel").hasSize(1);
  }

  @Test
  void nothingIsWrittenOnceOurDirectionIsShut() throws Exception {
    EmbeddedChannel ch = channel();
    host.outputShut = true;
    write(3, 10);
    host.runLoop();
    assertThat(ch.outboundMessages()).isEmpty();
    assertThat(queue.size()).isEqualTo(3);
  }

  @Test
  void theEndDiscardsWhatIsQueuedAndCountsIt() throws Exception {
    channel(new HeldWrites());
    write(2, 10); // in a batch the channel holds
    host.runLoop();
    host.channel = null;
    write(3, 10);
    host.ended = true;
    host.runLoop();
    assertThat(queue.size()).isZero();
    assertThat(writer.discarded()).isEqualTo(3);
    writer.discardAll();
    assertThat(writer.discarded()).isEqualTo(5);
    assertThat(writer.isIdle()).isTrue();
  }

  @Test
  void aLoopThatTakesNoMoreTasksDiscardsAtOnce() throws Exception {
    host.loopRefuses = true;
    queue.write(Message.of("lost"));
    assertThat(queue.size()).isZero();
    assertThat(writer.discarded()).isEqualTo(1);
  }
}
