package dev.ftcp.internal.conn;

import dev.ftcp.ConnectionClosedException;
import dev.ftcp.internal.conn.read.ReadHost;
import dev.ftcp.internal.conn.write.WriteHost;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A connection as its write and read paths see it, for their unit tests: the test thread is its
 * event loop. Tasks for the loop run at once ({@link #runningTasks()}) or wait in {@link #loop}
 * until {@link #runLoop()}; callbacks run at once; no deadlines. Not thread-safe but for
 * {@link #ended}.
 */
public final class FakeHost implements WriteHost, ReadHost {
  public volatile boolean ended;
  public boolean outputShut;
  public Channel channel;
  public boolean loopRefuses;
  public int afterWrites;
  public final List<Runnable> loop = new ArrayList<>();
  private final boolean runAtOnce;

  private FakeHost(boolean runAtOnce) {
    this.runAtOnce = runAtOnce;
  }

  /** A host whose loop keeps tasks until {@link #runLoop()}. */
  public static FakeHost queuingTasks() {
    return new FakeHost(false);
  }

  /** A host whose loop runs each task at once, on the test thread. */
  public static FakeHost runningTasks() {
    return new FakeHost(true);
  }

  /** Runs the tasks the loop was given, and those they give it, in order. */
  public void runLoop() {
    while (!loop.isEmpty()) {
      loop.remove(0).run();
    }
  }

  @Override
  public boolean acceptsWrites() {
    return !ended;
  }

  @Override
  public boolean ended() {
    return ended;
  }

  @Override
  public ConnectionClosedException closedException() {
    return new ConnectionClosedException("connection closed");
  }

  @Override
  public Channel channel() {
    return channel;
  }

  @Override
  public boolean outputShut() {
    return outputShut;
  }

  @Override
  public boolean inLoop() {
    return true;
  }

  @Override
  public boolean runOnLoop(Runnable task) {
    if (loopRefuses) {
      return false;
    }
    if (runAtOnce) {
      task.run();
    } else {
      loop.add(task);
    }
    return true;
  }

  @Override
  public boolean runOnLoopAndWait(Runnable task) {
    task.run();
    return !loopRefuses;
  }

  @Override
  public void afterWrite() {
    afterWrites++;
  }

  @Override
  public long writeDeadline() {
    return Long.MAX_VALUE;
  }

  @Override
  public long readDeadline() {
    return Long.MAX_VALUE;
  }

  @Override
  public void readingResumed(Channel ch) {}

  @Override
  public Executor callbacks() {
    return Runnable::run;
  }
}
