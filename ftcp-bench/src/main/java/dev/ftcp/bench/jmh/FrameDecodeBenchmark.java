package dev.ftcp.bench.jmh;

import dev.ftcp.Message;
import dev.ftcp.internal.codec.FrameCodec;
import dev.ftcp.internal.codec.FrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link FrameDecoder} in an {@code EmbeddedChannel}: a read of {@value #FRAMES} frames, as
 * one socket read delivers them, decoded into {@link Message}s. Scores are per message.
 * Allocation per message ({@code -prof gc}) is what the decoder must create (the Message and
 * its payload array) plus what framing costs beyond that.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameDecodeBenchmark {
  static final int FRAMES = 64;

  @Param({"64", "1024"})
  public int payloadSize;

  private EmbeddedChannel channel;
  private ByteBuf frames;

  @Setup(Level.Trial)
  public void setUp() {
    byte[] payload = new byte[payloadSize];
    frames = Unpooled.directBuffer(FRAMES * FrameCodec.frameSize(payloadSize, 2));
    for (int i = 0; i < FRAMES; i++) {
      FrameCodec.encode(frames, (1L << 20) + i, 0, payload, 2);
    }
    channel = new EmbeddedChannel(new FrameDecoder(false, 0xFFFF));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    channel.finishAndReleaseAll();
    frames.release();
  }

  @Benchmark
  @OperationsPerInvocation(FRAMES)
  public void decode(Blackhole bh) {
    channel.writeInbound(frames.retainedDuplicate());
    for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
      bh.consume(m);
    }
  }
}
