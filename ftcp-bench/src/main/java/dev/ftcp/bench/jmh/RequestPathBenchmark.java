package dev.ftcp.bench.jmh;

import dev.ftcp.Conn;
import dev.ftcp.Ftcp;
import dev.ftcp.Listener;
import dev.ftcp.Message;
import dev.ftcp.Reader;
import dev.ftcp.bench.ftcp.FtcpConfig;
import dev.ftcp.bench.ftcp.FtcpScenarios;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
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
 * {@link Conn#requestAsync} end to end on loopback, with up to {@code window} requests in
 * flight, against an ftcp echo server in this JVM (it answers with {@code readAsync}). With
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is what one round trip allocates in all, on both
 * ends: the request, its future and the application's stage on it; the reply decoded, echoed
 * and decoded again; ftcp's own bookkeeping. {@code direct} runs completions on the I/O threads
 * (a direct callback executor on both ends); otherwise on ftcp's callback pool.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RequestPathBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Param({"false", "true"})
  public boolean direct;

  @Param({"256"})
  public int window;

  private Listener listener;
  private Conn client;
  private Conn server;
  private Reader echoReader;
  private Semaphore slots;
  private BiConsumer<Message, Throwable> release;
  private final Message request = Message.of(new byte[64]);

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    FtcpConfig config = direct ? FtcpConfig.DIRECT : FtcpConfig.DEFAULTS;
    listener = Ftcp.listen("127.0.0.1:0", FtcpScenarios.options(false, true, config));
    client = Ftcp.dial("127.0.0.1:" + listener.address().getPort(),
        FtcpScenarios.options(false, false, config));
    server = listener.accept(Duration.ofSeconds(10));
    echoReader = server.reader();
    FtcpScenarios.echoAsync(server, echoReader);
    slots = new Semaphore(window);
    Semaphore s = slots;
    release = (m, e) -> s.release();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
    echoReader.close();
    server.close();
    listener.close();
  }

  /** One request: waits while {@code window} are in flight, then sends, ID chosen by ftcp. */
  @Benchmark
  public void requestAsync() throws IOException, InterruptedException {
    slots.acquire();
    client.requestAsync(request, TIMEOUT).whenComplete(release);
  }
}
