package dev.ftcp.bench.jmh;

import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import dev.ftcp.Options;
import dev.ftcp.Reader;
import dev.ftcp.bench.netty.FramePump;
import dev.ftcp.bench.netty.NettyLoopback;
import dev.ftcp.bench.netty.Transport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
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
 * The receive path's hand-off: a raw Netty producer (64 frames encoded per buffer, faster than
 * any reader) floods an accepted ftcp connection, and the benchmark thread takes messages with
 * {@link Reader#read()}. The score is messages per microsecond through decode, the reader's
 * buffer and the wake-up of the reading thread; {@code -prof gc} shows what each message costs
 * in allocation on all threads (the Message and its payload are the floor).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReaderHandoffBenchmark {
  @Param({"64"})
  public int payloadSize;

  private Listener listener;
  private EventLoopGroup producerGroup;
  private Channel producer;
  private FramePump pump;
  private Conn conn;
  private Reader reader;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    listener = Ftcp.listen("127.0.0.1:0", Options.builder().closeLinger(Duration.ZERO).build());
    producerGroup = Transport.group(1, "producer");
    pump = new FramePump(new byte[payloadSize], true);
    producer = NettyLoopback.connect(
        new InetSocketAddress("127.0.0.1", listener.address().getPort()), producerGroup, null, 1,
        (p, i) -> p.addLast(pump)).get(0);
    conn = listener.accept(Duration.ofSeconds(10));
    reader = conn.reader();
    pump.start(producer);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pump.stopAndClose(producer);
    reader.close();
    conn.close();
    listener.close();
    Transport.shutdown(producerGroup);
  }

  @Benchmark
  public Message read() throws IOException {
    return reader.read();
  }
}
