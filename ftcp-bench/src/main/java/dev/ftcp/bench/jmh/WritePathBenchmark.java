package dev.ftcp.bench.jmh;

import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.bench.netty.Discard;
import dev.ftcp.bench.netty.NettyLoopback;
import java.io.IOException;
import java.time.Duration;
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
 * {@link Conn#write} end to end: queueing, encoding, flushing, into a raw Netty server that
 * discards every byte (so nothing on the far side slows the writer). The score is the
 * sustained rate, with backpressure: when the queue is full, {@code write} waits.
 *
 * <p>The allocation target reads from this with {@code -prof gc}: {@code writeReused}
 * should allocate nothing per message (gc.alloc.rate.norm ≈ 0; it counts every thread, I/O
 * threads included), and {@code writeNew} only the Message itself (24 bytes with compressed
 * oops).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WritePathBenchmark {
  @Param({"64", "1024"})
  public int payloadSize;

  private NettyLoopback sink;
  private Conn conn;
  private byte[] payload;
  private Message reused;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    sink = new NettyLoopback(false, p -> p.addLast(Discard.INSTANCE));
    conn = Ftcp.dial("127.0.0.1:" + sink.address().getPort(),
        Options.builder().closeLinger(Duration.ZERO).build());
    payload = new byte[payloadSize];
    reused = Message.of(payload);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    conn.close();
    sink.close();
  }

  /** The same Message every time: ID 0, so the connection assigns each write its own ID. */
  @Benchmark
  public long writeReused() throws IOException {
    return conn.write(reused);
  }

  /** A new Message around the same payload array, as most callers write. */
  @Benchmark
  public long writeNew() throws IOException {
    return conn.write(Message.of(payload));
  }
}
