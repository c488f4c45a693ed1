package dev.ftcp.bench.jmh;

import dev.ftcp.internal.codec.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link FrameCodec#encode}: one frame into a reused direct buffer. IDs count up, so the varint
 * slots cost what they cost on a long-lived connection (several bytes, not one). Expect no
 * allocation ({@code -prof gc}: gc.alloc.rate.norm ≈ 0).
 *
 * <p>{@code dev.ftcp.internal} is not exported from the {@code dev.ftcp} module; the benchmarks
 * run on the class path (the shaded jar), where it is accessible.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameEncodeBenchmark {
  @Param({"64", "1024"})
  public int payloadSize;

  private byte[] payload;
  private ByteBuf out;
  private long id;

  @Setup(Level.Trial)
  public void setUp() {
    payload = new byte[payloadSize];
    out = PooledByteBufAllocator.DEFAULT.directBuffer(FrameCodec.frameSize(payloadSize, 2));
    id = 1L << 20; // a three-byte varint, as after a million messages
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    out.release();
  }

  @Benchmark
  public ByteBuf encode() {
    out.clear();
    FrameCodec.encode(out, id++, 0, payload, 2);
    return out;
  }

  @Benchmark
  public ByteBuf encodeReply() {
    out.clear();
    FrameCodec.encode(out, id++, id - 1, payload, 2);
    return out;
  }
}
