package dev.ftcp.bench.jmh;

import dev.ftcp.bench.netty.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the hand-offs between an application thread and an event loop cost on this machine,
 * with no network in between: the floor that application code on its own threads adds to a
 * round trip. The operation is what each side of rr-1 with the defaults does once per round
 * trip: a thread gives a task to an idle Netty event loop (asleep in epoll_wait; {@code execute}
 * wakes it through its eventfd, as a write from an application thread does), the task unparks
 * the thread, which was parked meanwhile (as the event loop wakes a thread blocked in
 * {@code request} or {@code read}). Two wake-ups of sleeping threads per operation; rr-1 with
 * the defaults pays this twice per round trip (requesting side and echoing side) on top of what
 * raw Netty's ping-pong pays.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WakeupBenchmark {
  private EventLoopGroup group;
  private EventLoop loop;
  private Thread caller;
  /** Set by the loop's task, cleared by the caller: one operation in flight at a time. */
  private volatile boolean ran;
  private Runnable task;

  @Setup(Level.Trial)
  public void setUp() {
    group = Transport.group(1, "wakeup");
    loop = group.next();
    task = () -> {
      ran = true;
      LockSupport.unpark(caller);
    };
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    Transport.shutdown(group);
  }

  @Benchmark
  public boolean toEventLoopAndBack() {
    caller = Thread.currentThread();
    ran = false;
    loop.execute(task);
    while (!ran) {
      LockSupport.park(this); // returns spuriously at times: hence the loop
    }
    return true;
  }
}
